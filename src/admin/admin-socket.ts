import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { adminSocketPath } from './admin-client.ts';
import { z } from 'zod';
import type { ApiTokenInfo } from '../api/tokens/api-tokens.ts';
import { runTokenCommand, tokenCommandSchemas } from '../api/tokens/token-commands.ts';
import { secretLocationNote } from '../backup/backup-format.ts';
import { writeBackup, type BackupProgress, type BackupSummary } from '../backup/write-backup.ts';
import type { Db } from '../db/database.ts';
import { ValidationError } from '../errors.ts';
import { keyCommandSchemas, runKeyCommand } from '../keys/key-commands.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { resetSecondFactorCommandSchema, runResetSecondFactorCommand } from '../staff/second-factor/reset-command.ts';
import { createStaffUser, newStaffUserSchema } from '../staff/staff-users.ts';
import { runStaffCommand, staffCommandSchemas, type MemberInfo } from '../staff/accounts/staff-commands.ts';
import { auditCommandSchema, runAuditCommand } from '../audit/audit-command.ts';
import type { AuditVerification } from '../audit/verify-audit.ts';

/**
 * The embedded database can be open in one process only. While the server
 * runs, admin commands (`embargo user add|list|set-role|deactivate|reactivate`, `embargo user reset-second-factor`, `embargo key …`, `embargo token …`) reach it through this Unix socket
 * in the data directory, readable by the data directory's owner only. The client's side is
 * src/admin/admin-client.ts.
 */
const commandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('user-add'), user: newStaffUserSchema }),
  resetSecondFactorCommandSchema,
  ...keyCommandSchemas,
  ...tokenCommandSchemas,
  ...staffCommandSchemas,
  auditCommandSchema,
  // `embargo backup --out FILE` while the server holds the embedded database: the server writes the file.
  // `progress`: the server sends progress lines before its answer (the CLI asks when a person watches a terminal).
  z.object({ command: z.literal('backup'), out: z.string().min(1).refine((p) => path.isAbsolute(p), 'an absolute path'), progress: z.boolean().optional() }),
]);
export type AdminCommand = z.infer<typeof commandSchema>;
export type AdminAnswer =
  | { ok: true; id: string; fingerprint?: string; warnings?: string[]; token?: string; scopes?: string[]; tokens?: ApiTokenInfo[]; hadSecondFactor?: boolean; changed?: boolean; members?: MemberInfo[]; backup?: BackupSummary; secretSource?: string; audit?: AuditVerification }
  | { ok: false; error: string; fields?: Record<string, string> };

/**
 * Runs one admin command against an open database; shared by the socket and
 * the direct CLI path. Key commands need the instance secret.
 */
export async function runAdminCommand(db: Db, command: AdminCommand, secret?: InstanceSecret, onProgress?: BackupProgress): Promise<AdminAnswer> {
  if (command.command === 'token-create' || command.command === 'token-revoke' || command.command === 'token-list') return runTokenCommand(db, command);
  if (command.command === 'user-reset-second-factor') return runResetSecondFactorCommand(db, command);
  if (command.command === 'user-list' || command.command === 'user-set-role' || command.command === 'user-deactivate' || command.command === 'user-reactivate') {
    return runStaffCommand(db, command);
  }
  if (command.command === 'audit-verify') return runAuditCommand(db, command, secret);
  if (command.command === 'backup') {
    if (!secret) return { ok: false, error: 'This process was started without the instance secret.' };
    // Only the embedded server listens on the admin socket, so this is the embedded database.
    const backup = await writeBackup(db, command.out, { database: 'embedded', secretNote: secretLocationNote(secret.source) }, onProgress);
    return { ok: true, id: backup.file, backup, secretSource: secret.source };
  }
  if (command.command !== 'user-add') {
    if (!secret) return { ok: false, error: 'This process was started without the instance secret.' };
    return runKeyCommand({ db, secret }, command);
  }
  try {
    const user = await createStaffUser(db, command.user);
    return { ok: true, id: user.id };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, error: err.message, fields: err.fields };
    throw err;
  }
}

export async function listenAdminSocket(dataDir: string, db: Db, onError: (err: Error) => void, secret?: InstanceSecret): Promise<{ close(): Promise<void> }> {
  const file = adminSocketPath(dataDir);
  rmSync(file, { force: true }); // left by a crashed server; the data-dir lock says we own it
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.length > 1024 * 1024) return socket.destroy(); // room for an armored secret key with its signatures
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      const line = buffer.slice(0, nl);
      void (async () => {
        let answer: AdminAnswer;
        try {
          const parsed = commandSchema.safeParse(JSON.parse(line));
          const progress: BackupProgress | undefined =
            parsed.success && parsed.data.command === 'backup' && parsed.data.progress ? (p) => socket.write(JSON.stringify({ progress: p }) + '\n') : undefined;
          answer = parsed.success ? await runAdminCommand(db, parsed.data, secret, progress) : { ok: false, error: 'Invalid command.', fields: Object.fromEntries(parsed.error.issues.map((i) => [i.path.at(-1), i.message])) };
        } catch (err) {
          onError(err as Error);
          answer = { ok: false, error: 'The server could not run the command; see its log.' };
        }
        socket.end(JSON.stringify(answer) + '\n');
      })();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  chmodSync(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(file, { force: true });
          resolve();
        });
      }),
  };
}

import { z } from 'zod';
import { recordAudit } from '../audit/append-audit.ts';
import { AuditKeys } from '../audit/audit-keys.ts';
import type { Db } from '../db/database.ts';
import { loadProgram } from '../programs/programs.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { generateProgramKey } from './generate-program-key.ts';
import { importProgramKey, KeyRejectedError } from './import-program-key.ts';

/**
 * `embargo key generate|import` as admin commands: run by the server that
 * holds the embedded database (through the admin socket), or directly by the
 * CLI otherwise. The program slug is resolved by the CLI.
 */
export const keyCommandSchemas = [
  z.object({ command: z.literal('key-generate'), program: z.string().min(1) }),
  z.object({
    command: z.literal('key-import'),
    program: z.string().min(1),
    armored: z.string().min(1).max(512 * 1024),
    passphrase: z.string().optional(),
  }),
] as const;

export type KeyCommand = z.infer<(typeof keyCommandSchemas)[number]>;
export type KeyCommandAnswer = { ok: true; id: string; fingerprint: string; warnings: string[] } | { ok: false; error: string };

/** Runs a key command; expected refusals come back as answers, anything else throws. */
export async function runKeyCommand(deps: { db: Db; secret: InstanceSecret }, command: KeyCommand): Promise<KeyCommandAnswer> {
  const program = await loadProgram(deps.db, { slug: command.program });
  if (!program) {
    const slugs = (await deps.db.selectFrom('programs').select('slug').orderBy('slug').execute()).map((p) => p.slug);
    return { ok: false, error: `No program "${command.program}". Programs: ${slugs.join(', ') || 'none'}.` };
  }
  try {
    const result =
      command.command === 'key-generate'
        ? { ...(await generateProgramKey(deps.db, deps.secret, program)), warnings: [] }
        : await importProgramKey(deps.db, deps.secret, program, command.armored, command.passphrase);
    const fingerprint = result.fingerprint.toUpperCase();
    const action = command.command === 'key-generate' ? 'key.generated' : 'key.imported';
    await recordAudit(deps.db, { actor: { kind: 'operator' }, action, target: fingerprint, details: { programId: program.id } }, { keys: new AuditKeys(deps.secret) });
    return { ok: true, id: fingerprint, fingerprint, warnings: result.warnings };
  } catch (err) {
    if (err instanceof KeyRejectedError) return { ok: false, error: err.message };
    throw err;
  }
}

import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { sendAdminCommand } from '../admin/admin-client.ts';
import { BackupFileError, secretLocationNote } from '../backup/backup-format.ts';
import { verifyBackup } from '../backup/read-backup.ts';
import { restoreBackup, RestoreRefused } from '../backup/restore-backup.ts';
import { keysTheSecretCannotOpen } from '../backup/secret-check.ts';
import { writeBackup, type BackupProgress, type BackupSummary } from '../backup/write-backup.ts';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { openInstanceSecret } from '../secrets/open-instance-secret.ts';
import { serverHoldsDatabase } from './operator-command.ts';

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/** A progress line rewritten in place, only when someone watches a terminal. */
function progress(): ((text: string) => void) & { done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  const show = (text: string) => {
    if (!tty || Date.now() - last < 200) return;
    last = Date.now();
    process.stderr.write(`\r\x1b[K${text}`);
  };
  return Object.assign(show, { done: () => tty && process.stderr.write('\r\x1b[K') });
}

/** `embargo backup --out FILE` and `embargo backup verify FILE`. */
export async function backupCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  if (args[0] === 'verify') {
    const file = args[1];
    if (!file || args.length > 2) return usage('embargo backup verify FILE');
    try {
      const v = await verifyBackup(file);
      console.log(`${file}: a complete Embargo backup (format ${v.header.embargoBackup}), made ${v.header.createdAt} from the ${v.header.database} database.`);
      console.log(`  ${v.tables.length} tables, ${v.rows} rows, every checksum correct; schema of ${v.header.migrations.length} migrations (last: ${v.header.migrations.at(-1)}).`);
      return 0;
    } catch (err) {
      if (err instanceof BackupFileError) {
        console.error(`${file} is not a usable backup: ${err.message}.`);
        return 1;
      }
      throw err;
    }
  }
  let out: string | undefined;
  try {
    out = parseArgs({ args, options: { out: { type: 'string' } }, strict: true }).values.out;
  } catch (err) {
    return usage((err as Error).message);
  }
  if (!out) return usage('embargo backup --out FILE');
  const file = path.resolve(out);
  let summary: BackupSummary;
  let secretSource: string;
  const show = progress();
  const onProgress: BackupProgress = (p) => show(`backing up: table ${p.tablesDone + 1} of ${p.tables} (${p.table}), ${p.rows} rows`);
  if (serverHoldsDatabase(config)) {
    // Only the running server may open the embedded database: it writes the backup, and tells its progress.
    const answer = await sendAdminCommand(config.dataDir, { command: 'backup', out: file, progress: Boolean(process.stderr.isTTY) }, onProgress).finally(() => show.done());
    if (!answer.ok) {
      console.error(`The backup failed: ${answer.error}`);
      return 1;
    }
    summary = answer.backup!;
    secretSource = answer.secretSource ?? 'the file named in the server log';
  } else {
    const secret = openInstanceSecret(config, logger);
    secretSource = secret.source;
    const database = await openDatabase(config.database, { poolSize: 1 });
    try {
      summary = await writeBackup(database.db, file, { database: config.database.kind, secretNote: secretLocationNote(secret.source) }, onProgress);
    } finally {
      show.done();
      await database.close();
    }
  }
  console.log(`Wrote ${summary.file}: ${summary.tables} tables, ${summary.rows} rows, ${size(summary.bytes)}.`);
  console.log(secretLocationNote(secretSource));
  return 0;
}

/** `embargo restore FILE [--force]`: into the configured database, which must be empty unless --force. */
export async function restoreCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean', default: false } }, strict: true });
  } catch (err) {
    return usage((err as Error).message);
  }
  const file = parsed.positionals[0];
  if (!file || parsed.positionals.length > 1) return usage('embargo restore FILE [--force]');
  if (serverHoldsDatabase(config)) {
    console.error(`Embargo is running on ${config.dataDir}. Stop it before restoring into its data directory.`);
    return 1;
  }
  const secret = openInstanceSecret(config, logger);
  try {
    const locked = await keysTheSecretCannotOpen(file, secret);
    if (locked.length) {
      console.error(`The instance secret (${secret.source}) does not open this backup's program keys (${locked.join(', ')}): it was made under another secret, and its sealed contents would be unreadable. Set EMBARGO_SECRET to the secret of the instance the backup came from, then restore again.`);
      return 1;
    }
    const database = await openDatabase(config.database, { poolSize: 1 });
    const show = progress();
    try {
      const r = await restoreBackup(database.db, file, { force: parsed.values.force ?? false, onProgress: (p) => show(`restoring: ${p.rows} rows (${p.table})`) });
      show.done();
      console.log(`Restored ${r.rows} rows in ${r.tables} tables from ${file}${r.migratedAfter ? `, then ran ${r.migratedAfter} newer migrations` : ''}.`);
      console.log('Staff sign in again (sessions are not part of a backup). Start Embargo with the same instance secret.');
      return 0;
    } finally {
      show.done();
      await database.close();
    }
  } catch (err) {
    if (err instanceof BackupFileError) {
      console.error(`${file} cannot be restored: ${err.message}. Nothing was changed.`);
      return 1;
    }
    if (err instanceof RestoreRefused) {
      console.error(`${err.message} Nothing was changed.`);
      return 1;
    }
    // The restore runs in one transaction (src/backup/restore-backup.ts): a failure rolled all of it back.
    console.error(`The restore failed: ${(err as Error).message}. It ran in one transaction, so nothing was changed: the target holds what it held before.`);
    return 1;
  }
}

function usage(problem: string): number {
  console.error(`${problem}\nUsage:\n  embargo backup --out FILE\n  embargo backup verify FILE\n  embargo restore FILE [--force]`);
  return 2;
}

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { BACKUP_FORMAT_VERSION, controlLine, NOT_BACKED_UP, type BackupHeader } from './backup-format.ts';
import { readCatalog, restoreOrder } from './table-catalog.ts';

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  bytes: number;
  migrations: number;
}

export type BackupProgress = (p: { table: string; rows: number; tablesDone: number; tables: number }) => void;

/** Rows are fetched in batches of about this many bytes (one attachment row can be megabytes). */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Writes a consistent backup of the whole database to `file`: one read-only
 * REPEATABLE READ transaction, so every table is read at the same moment
 * while the server goes on writing (on PostgreSQL; the embedded database's
 * single connection holds other work until the backup is written). The file
 * appears under its name only when complete and synced (written aside, then
 * renamed), with mode 0600.
 */
export async function writeBackup(
  db: Db,
  file: string,
  meta: { database: BackupHeader['database']; secretNote: string },
  onProgress?: BackupProgress,
): Promise<BackupSummary> {
  const target = path.resolve(file);
  const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const gzip = createGzip({ level: 6 });
  gzip.pipe(out);
  const whole = createHash('sha256');
  let totalRows = 0;
  let migrationsCount = 0;
  let tableCount = 0;
  const write = async (text: string) => {
    whole.update(text);
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  try {
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const migrations = (await sql<{ name: string }>`SELECT name FROM embargo_migrations ORDER BY name`.execute(trx)).rows.map((r) => r.name);
        migrationsCount = migrations.length;
        const catalog = await readCatalog(trx);
        const tables = restoreOrder([...catalog.values()].filter((t) => !NOT_BACKED_UP.has(t.table)));
        tableCount = tables.length;
        const header: BackupHeader = {
          embargoBackup: BACKUP_FORMAT_VERSION,
          createdAt: new Date().toISOString(),
          database: meta.database,
          migrations,
          tables,
          secret: { included: false, note: meta.secretNote },
        };
        await write(controlLine(header));
        for (const [i, table] of tables.entries()) {
          const { references: _r, ...start } = catalog.get(table)!;
          await write(controlLine(start));
          const hash = createHash('sha256');
          let rows = 0;
          // A cursor, so a table larger than memory streams through in batches sized by what the rows weigh.
          await sql`DECLARE embargo_backup NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ONLY ${sql.table(table)} t`.execute(trx);
          let fetch = 1;
          for (;;) {
            const batch = (await sql<{ j: string }>`FETCH FORWARD ${sql.raw(String(fetch))} FROM embargo_backup`.execute(trx)).rows;
            if (batch.length === 0) break;
            let bytes = 0;
            for (const { j } of batch) {
              const line = `${j}\n`;
              bytes += line.length;
              hash.update(line);
              await write(line);
            }
            rows += batch.length;
            onProgress?.({ table, rows, tablesDone: i, tables: tables.length });
            fetch = Math.max(1, Math.min(1000, Math.floor(BATCH_BYTES / Math.max(1, bytes / batch.length))));
          }
          await sql`CLOSE embargo_backup`.execute(trx);
          await write(controlLine({ tableEnd: table, rows, sha256: hash.digest('hex') }));
          totalRows += rows;
        }
      });
    const trailer = controlLine({ complete: true, rows: totalRows, sha256: whole.digest('hex') });
    gzip.end(trailer);
    await once(out, 'close');
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    renameSync(partial, target);
    const dir = await open(path.dirname(target), 'r');
    try {
      await dir.sync(); // the rename itself survives a crash
    } finally {
      await dir.close();
    }
    return { file: target, tables: tableCount, rows: totalRows, bytes: statSync(target).size, migrations: migrationsCount };
  } catch (err) {
    gzip.destroy();
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  }
}

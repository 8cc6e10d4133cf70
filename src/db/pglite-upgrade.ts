import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { syncParent } from '../fs/durable.ts';
import { restoreBackup } from '../backup/restore-backup.ts';
import { writeBackup } from '../backup/write-backup.ts';
import type { Db } from './database.ts';

/** Where earlier versions kept the embedded database (PGlite) inside the data directory. */
export const PGLITE_DIR_NAME = 'pglite';

/**
 * Moves an embedded database written by an earlier version (PGlite, in
 * `<data>/pglite`) into the embedded PostgreSQL, through Embargo's logical
 * backup format (the same file `embargo backup` writes and `embargo restore`
 * reads): every table and row, sealed data as it is (no secret needed), then
 * the migrations this version adds. The PGlite files are kept aside, renamed
 * to `pglite.moved-<time>`, only once the restore committed; a move cut short
 * is redone from the start at the next start. The rename is synced: undone
 * by a power cut, it would have the next start move the PGlite files again,
 * over the reports received since.
 */
export async function movePgliteToPostgres(
  dataDir: string,
  target: Db,
  openPglite: (dir: string) => Promise<{ db: Db; close(): Promise<void> }>,
  logger?: Pick<Logger, 'info' | 'warn'>,
): Promise<{ rows: number; tables: number; keptAt: string }> {
  const pgliteDir = path.join(dataDir, PGLITE_DIR_NAME);
  const file = path.join(dataDir, 'pglite-to-postgres.embargo-backup');
  logger?.warn({ from: pgliteDir }, 'this data directory holds an embedded database of an earlier version (PGlite): moving it into the embedded PostgreSQL');
  const source = await openPglite(pgliteDir);
  try {
    await writeBackup(source.db, file, { database: 'embedded', secretNote: 'written by the automatic move from PGlite to the embedded PostgreSQL' });
  } finally {
    await source.close();
  }
  // force: the cluster can only hold what an earlier, interrupted move put there (the PGlite files are still in place).
  const summary = await restoreBackup(target, file, { force: true });
  const keptAt = `${pgliteDir}.moved-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(pgliteDir, keptAt);
  syncParent(keptAt);
  rmSync(file, { force: true });
  logger?.warn(
    { tables: summary.tables, rows: summary.rows, keptAt },
    `moved the embedded database from PGlite to PostgreSQL (${summary.rows} rows in ${summary.tables} tables); the old files are kept in ${keptAt}: delete that directory once you are satisfied`,
  );
  return { rows: summary.rows, tables: summary.tables, keptAt };
}

import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import { migrateTo, migrateToLatest } from '../db/database.ts';
import { migrations as knownMigrations } from '../db/migrations/index.ts';
import type { Database } from '../db/schema.ts';
import { BackupFileError, type BackupHeader, type TableStart } from './backup-format.ts';
import { readBackup, verifyBackup } from './read-backup.ts';
import { readCatalog, restoreOrder } from './table-catalog.ts';

export class RestoreRefused extends Error {}

export interface RestoreSummary {
  tables: number;
  rows: number;
  /** Migrations newer than the backup, run after the rows were in. */
  migratedAfter: number;
}

/** Whether the target holds anything of an instance (a program, staff or a report). */
async function targetHoldsData(db: Db): Promise<boolean> {
  const table = await sql<{ oid: string | null }>`SELECT to_regclass('public.programs')::text AS oid`.execute(db);
  if (!table.rows[0]?.oid) return false;
  const r = await sql<{ n: number }>`
    SELECT (SELECT count(*) FROM programs)::int + (SELECT count(*) FROM staff_users)::int + (SELECT count(*) FROM reports)::int AS n`.execute(db);
  return (r.rows[0]?.n ?? 0) > 0;
}

/**
 * Drops every table and function of the public schema (not those of
 * extensions such as pg_trgm), so the migrations build the backup's schema
 * from nothing.
 */
async function dropSchemaObjects(db: Db | Transaction<Database>): Promise<void> {
  const tables = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`.execute(db);
  for (const { name } of tables.rows) await sql`DROP TABLE IF EXISTS ${sql.table(name)} CASCADE`.execute(db);
  const functions = await sql<{ signature: string }>`
    SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`.execute(db);
  for (const { signature } of functions.rows) await sql`DROP FUNCTION IF EXISTS ${sql.raw(signature)} CASCADE`.execute(db);
}

function checkMigrations(header: BackupHeader): void {
  // Kysely runs migrations in name order, whatever the order of the index.
  const known = Object.keys(knownMigrations).sort();
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new RestoreRefused(`The backup was made by a newer version of Embargo (it ran ${unknown.join(', ')}, which this version does not have). Restore it with that version or newer.`);
  }
  const prefix = known.slice(0, header.migrations.length);
  if (prefix.some((m, i) => m !== header.migrations[i])) throw new RestoreRefused('The backup ran migrations in an order this version does not know; it cannot be restored by this version.');
  if (header.migrations.length === 0) throw new BackupFileError('the backup names no migrations');
}

async function insertRows(trx: Transaction<Database>, start: TableStart, insertable: Set<string>, rows: string[]): Promise<void> {
  const columns = start.columns.filter((c) => insertable.has(c));
  if (columns.length === 0) return;
  const payload = `[${rows.join(',')}]`;
  // Self-references are filled in after the whole table is in (a row may point at one later in the file).
  const selected = columns.map((c) => (start.selfReferences.includes(c) ? sql`NULL` : sql.ref(`x.${c}`)));
  const overriding = start.identity.length ? sql`OVERRIDING SYSTEM VALUE` : sql``;
  await sql`
    INSERT INTO ${sql.table(start.table)} (${sql.join(columns.map((c) => sql.id(c)))}) ${overriding}
    SELECT ${sql.join(selected)} FROM json_populate_recordset(NULL::${sql.table(start.table)}, ${payload}::json) AS x`.execute(trx);
  if (start.selfReferences.length && start.primaryKey.length) {
    const match = sql.join(start.primaryKey.map((k) => sql`t.${sql.id(k)} = x.${sql.id(k)}`), sql` AND `);
    for (const ref of start.selfReferences) {
      await sql`
        UPDATE ${sql.table(start.table)} AS t SET ${sql.id(ref)} = x.${sql.id(ref)}
        FROM json_populate_recordset(NULL::${sql.table(start.table)}, ${payload}::json) AS x
        WHERE ${match} AND x.${sql.id(ref)} IS NOT NULL`.execute(trx);
    }
  }
}

/**
 * `embargo restore`: checks the whole file first (nothing is touched if it is
 * damaged, cut short or from a newer version), refuses a target that holds
 * data unless `force`, then in ONE transaction (PostgreSQL DDL is
 * transactional): drops what the target held, builds the schema the backup was
 * made with, loads every row, moves identity sequences past the restored ids,
 * and runs the migrations added since. Any failure rolls all of it back, so a
 * `--force` restore that fails leaves the previous instance as it was.
 */
export async function restoreBackup(db: Db, file: string, options: { force: boolean; onProgress?: (p: { table: string; rows: number }) => void }): Promise<RestoreSummary> {
  const verified = await verifyBackup(file);
  checkMigrations(verified.header);
  if (await targetHoldsData(db)) {
    if (!options.force) throw new RestoreRefused('The target database already holds an instance (programs, staff or reports). Restore into an empty one, or pass --force to replace everything in it.');
  }
  return db.transaction().execute(async (trx) => {
    await dropSchemaObjects(trx);
    // The migrator takes the transaction as it is (its lock is transaction-scoped): no commit in between.
    await migrateTo(trx, verified.header.migrations.at(-1)!);
    const rows = await loadRows(trx, file, verified.header.tables, options.onProgress);
    const after = await migrateToLatest(trx);
    return { tables: verified.tables.length, rows, migratedAfter: after.results?.length ?? 0 };
  });
}

/** Every row of the backup into the schema just built, in the caller's transaction; returns how many. */
async function loadRows(trx: Transaction<Database>, file: string, tables: readonly string[], onProgress?: (p: { table: string; rows: number }) => void): Promise<number> {
  const catalog = await readCatalog(trx);
  const order = restoreOrder([...catalog.values()]);
  let restored = 0;
  // The migrations may have seeded rows (lookup tables); the backup's rows replace them.
  for (const table of [...order].reverse()) {
    if (tables.includes(table)) await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
  }
  let start: TableStart | undefined;
  let insertable = new Set<string>();
  for await (const entry of readBackup(file)) {
    if (entry.kind === 'table') {
      start = entry.start;
      const here = catalog.get(start.table);
      if (!here) throw new RestoreRefused(`The backup has table ${start.table}, which the schema of its own migrations lacks.`);
      insertable = new Set(here.columns);
    } else if (entry.kind === 'rows' && start) {
      await insertRows(trx, start, insertable, entry.rows);
      restored += entry.rows.length;
      onProgress?.({ table: start.table, rows: restored });
    } else if (entry.kind === 'tableEnd' && start) {
      for (const column of catalog.get(start.table)!.identity) {
        await sql`
          SELECT setval(pg_get_serial_sequence(${start.table}, ${column}),
                        COALESCE((SELECT max(${sql.id(column)}) FROM ${sql.table(start.table)}), 0) + 1, false)`.execute(trx);
      }
      start = undefined;
    }
  }
  return restored;
}

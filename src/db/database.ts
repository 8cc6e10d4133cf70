import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { acquireDataDirLock } from './embedded-lock.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface OpenDatabase {
  db: Db;
  kind: DatabaseConfig['kind'];
  close(): Promise<void>;
}

// bigint ids and counts come back as strings by default; numeric(…) too. Keep
// bigint as string (ids), but parse int8 counts where we ask for them.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
// A `date` is a calendar day, not an instant: keep 'YYYY-MM-DD' rather than a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/** Opens PostgreSQL or the embedded PGlite (taking its directory lock) behind one Kysely type. */
export async function openDatabase(
  config: DatabaseConfig,
  options: { poolSize?: number; onIdleError?: (err: Error) => void } = {},
): Promise<OpenDatabase> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it and the next query reports any lasting outage.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const lock = acquireDataDirLock(config.dataDir);
  try {
    const pgliteDir = path.join(config.dataDir, 'pglite');
    mkdirSync(pgliteDir, { recursive: true, mode: 0o700 });
    const { db, close } = await openPglite(pgliteDir);
    return {
      db,
      kind: 'embedded',
      async close() {
        try {
          await close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * PGlite behind node-postgres' Pool with exactly one connection: the pool
 * serialises transactions, which PGlite's single session needs (kysely's own
 * PGlite driver shares one connection between concurrent transactions).
 * `dataDir` undefined means in memory (tests).
 */
export async function openPglite(dataDir: string | undefined): Promise<{ db: Db; close(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  const pgConfig = createPgConfig(pglite);
  const pool = new pg.Pool({ ...pgConfig, max: 1 } as pg.PoolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

const MIGRATION_TABLE = 'embargo_migrations';

function migrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'embargo_migrations_lock',
  });
}

export interface MigrationStatus {
  /** Migrations this version would run, in order. */
  pending: string[];
  /** How many of this version's migrations the database already ran. */
  applied: number;
  /** Migrations the database ran that this version does not know: it was migrated by a newer Embargo. */
  unknown: string[];
}

/** What `migrateToLatest` would do, without doing it or creating anything (`embargo migrate --dry-run`). */
export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const known = await migrator(db).getMigrations();
  const table = await sql<{ oid: string | null }>`SELECT to_regclass(${MIGRATION_TABLE})::text AS oid`.execute(db);
  const ran = table.rows[0]?.oid
    ? (await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db)).rows.map((r) => r.name)
    : [];
  const knownNames = new Set(known.map((m) => m.name));
  return {
    pending: known.filter((m) => !m.executedAt).map((m) => m.name),
    applied: known.filter((m) => m.executedAt).length,
    unknown: ran.filter((name) => !knownNames.has(name)),
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${(result.error as Error).message}`, {
      cause: result.error,
    });
  }
  return result;
}

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import type { Logger } from 'pino';
import { acquireDataDirLock } from './embedded-lock.ts';
import { guardPool, type DatabaseHealth, type GuardOptions } from './guarded-pool.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface OpenDatabase {
  db: Db;
  kind: DatabaseConfig['kind'];
  /** For the embedded database: the managed PostgreSQL server (default) or PGlite in this process. */
  engine?: 'postgres' | 'pglite';
  /** ok, or why the database cannot serve right now (see guardPool). */
  health: DatabaseHealth;
  close(): Promise<void>;
}

/** What openDatabase reports to: state changes are logged once each (error on trouble, info on recovery). */
export interface DatabaseOptions {
  poolSize?: number;
  logger?: Pick<Logger, 'error' | 'info' | 'warn'>;
  /** Called once when the embedded database failed for good (see docs/operations.md, "When the database fails"). */
  onFailed?: (err: unknown) => void;
  /**
   * `embargo serve`: a data directory still holding an earlier version's PGlite database is moved
   * into the embedded PostgreSQL (src/db/pglite-upgrade.ts). Other commands open it where it is.
   */
  moveFromPglite?: boolean;
  /**
   * PGlite only: start from this data directory (a tarball from `dumpDataDir`) instead of an empty one.
   * The tests open each fresh database from one migrated template: an initdb and the migrations cost
   * seconds per database, loading the template a fraction of that.
   */
  loadDataDir?: Blob;
}

/** Whether `dataDir` holds a PGlite database (an earlier version's embedded database) not yet moved to PostgreSQL. */
export function holdsPgliteData(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'));
}

// bigint ids and counts come back as strings by default; numeric(…) too. Keep
// bigint as string (ids), but parse int8 counts where we ask for them.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
// A `date` is a calendar day, not an instant: keep 'YYYY-MM-DD' rather than a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * Longest a single database call may take before it answers 503. Generous for
 * migrations at the sizes Embargo serves; a web request must not wait longer.
 */
export const QUERY_TIMEOUT_MS = 120_000;
/** Longest a request waits for a free connection (PostgreSQL: also to connect). */
const CONNECT_TIMEOUT_MS = { postgres: 5_000, embedded: 10_000 };
/** A database that failed is not closed cleanly (it would wait forever); stop waiting after this. */
const CLOSE_FAILED_MS = 2_000;

/** The health of each open database, by its Kysely handle: for /healthz, which has only `ctx.db`. */
const healthByDb = new WeakMap<Db, DatabaseHealth>();

/** ok, or why the database behind `db` cannot serve right now; undefined for a handle not opened here. */
export function databaseHealth(db: Db): DatabaseHealth | undefined {
  return healthByDb.get(db);
}

export type { DatabaseHealth };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Opens PostgreSQL, or the embedded database (taking its directory lock) behind one Kysely type. */
export async function openDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<OpenDatabase> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS.postgres,
      // A server that vanished without closing the connection (network cut, host down) is noticed.
      keepAlive: true,
    });
    const guarded = guardPool(pool, { queryTimeoutMs: QUERY_TIMEOUT_MS, timeoutIsFatal: false, walWriteIsFatal: false, onStateChange: stateLogger('postgres', options) });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded.pool }) });
    healthByDb.set(db, guarded.health);
    return { db, kind: 'postgres', health: guarded.health, close: () => db.destroy() };
  }
  const lock = acquireDataDirLock(config.dataDir);
  try {
    // Until `embargo serve` has moved it, an earlier version's PGlite database is used where it is.
    const engine = config.engine === 'pglite' || (holdsPgliteData(config.dataDir) && !options.moveFromPglite) ? 'pglite' : 'postgres';
    const opened = engine === 'pglite' ? await openPgliteDir(config.dataDir, options, config.engine === 'pglite') : await openManagedPostgres(config.dataDir, options);
    return {
      db: opened.db,
      kind: 'embedded',
      engine,
      health: opened.health,
      async close() {
        try {
          await opened.close();
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
 * PGlite on `<dataDir>/pglite` (EMBARGO_EMBEDDED_ENGINE=pglite): no fsync, see
 * docs/embedded-database.md. Said at every start, as a warning: the docs are
 * not where an operator who set the variable once will look again.
 */
async function openPgliteDir(dataDir: string, options: DatabaseOptions, chosen: boolean): Promise<{ db: Db; health: DatabaseHealth; close(): Promise<void> }> {
  const pgliteDir = path.join(dataDir, 'pglite');
  options.logger?.warn(
    { database: 'embedded', engine: 'pglite', dir: pgliteDir },
    `${chosen ? 'EMBARGO_EMBEDDED_ENGINE=pglite' : 'an earlier version\'s PGlite database, not moved yet'}: the embedded database is PGlite, which never syncs its files to disk: ` +
      'a power cut or a machine crash can lose reports already acknowledged, or leave a database that does not open. ' +
      (chosen ? 'For trying things out only: unset EMBARGO_EMBEDDED_ENGINE for the durable embedded PostgreSQL (the default), or set DATABASE_URL.' : '`embargo serve` moves it into the embedded PostgreSQL.'),
  );
  mkdirSync(pgliteDir, { recursive: true, mode: 0o700 });
  return openPglite(pgliteDir, options);
}

/**
 * The embedded PostgreSQL server (src/db/managed-postgres.ts) behind the same
 * pool and guard as an external PostgreSQL. A data directory of an earlier
 * version (PGlite) is moved into it first.
 */
async function openManagedPostgres(dataDir: string, options: DatabaseOptions): Promise<{ db: Db; health: DatabaseHealth; close(): Promise<void> }> {
  const { startManagedPostgres } = await import('./managed-postgres.ts');
  const server = await startManagedPostgres(dataDir, {
    ...(options.logger ? { logger: options.logger } : {}),
    onFailed: (err) => {
      options.logger?.error({ database: 'embedded', err: err.message }, 'the embedded database failed and cannot be used any more');
      options.onFailed?.(err);
    },
  });
  try {
    const pool = new pg.Pool({ ...server.connection, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS.postgres });
    const guarded = guardPool(pool, { queryTimeoutMs: QUERY_TIMEOUT_MS, timeoutIsFatal: false, walWriteIsFatal: false, onStateChange: stateLogger('embedded', options) });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded.pool }) });
    healthByDb.set(db, guarded.health);
    if (holdsPgliteData(dataDir)) {
      const { movePgliteToPostgres } = await import('./pglite-upgrade.ts');
      await movePgliteToPostgres(dataDir, db, (dir) => openPglite(dir, { poolSize: 1 }), options.logger);
    }
    return {
      db,
      health: guarded.health,
      async close() {
        try {
          await db.destroy();
        } finally {
          await server.stop();
        }
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * PGlite behind node-postgres' Pool with exactly one connection: the pool
 * serialises transactions, which PGlite's single session needs (kysely's own
 * PGlite driver shares one connection between concurrent transactions).
 * `dataDir` undefined means in memory (tests).
 */
export async function openPglite(dataDir: string | undefined, options: DatabaseOptions = {}): Promise<{ db: Db; health: DatabaseHealth; close(): Promise<void>; dumpDataDir(): Promise<Blob> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}), extensions: { pg_trgm } });
  const pgConfig = createPgConfig(pglite);
  const pool = new pg.Pool({ ...pgConfig, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS.embedded } as pg.PoolConfig);
  // One in-process session: a call that never returns means PGlite is stuck, and so is every call queued
  // behind it. Seen on a full disk: after "could not write to file pg_wal/xlogtemp…" the next call hangs.
  // (The time limit catches a PGlite that waits forever; a statement computing in WebAssembly blocks the event
  // loop, timers included, until it ends.)
  const guarded = guardPool(pool, { queryTimeoutMs: QUERY_TIMEOUT_MS, timeoutIsFatal: true, walWriteIsFatal: true, onStateChange: stateLogger('embedded', options) });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded.pool }) });
  healthByDb.set(db, guarded.health);
  return {
    db,
    health: guarded.health,
    dumpDataDir: () => pglite.dumpDataDir('none'),
    async close() {
      if (guarded.health.state() === 'failed') {
        // An aborted PGlite never settles its pending calls; closing it would wait forever.
        await Promise.race([db.destroy().then(() => pglite.close()), sleep(CLOSE_FAILED_MS)]).catch(() => {});
        return;
      }
      await db.destroy();
      await pglite.close();
    },
  };
}

/** Logs each change of the database's state once, and hands a failure of the embedded database to onFailed. */
function stateLogger(kind: DatabaseConfig['kind'], options: DatabaseOptions): GuardOptions['onStateChange'] {
  return (state, err) => {
    const detail = err instanceof Error ? { err: err.message, code: (err as { code?: unknown }).code } : {};
    if (state === 'ok') options.logger?.info({ database: kind }, 'database available again');
    else if (state === 'storage_full') options.logger?.error({ database: kind, ...detail }, 'database storage is full: writes are refused (503) until space is freed');
    else if (state === 'failed') {
      options.logger?.error({ database: kind, ...detail }, 'the embedded database failed and cannot be used any more');
      options.onFailed?.(err);
    } else options.logger?.error({ database: kind, ...detail }, 'database unavailable: requests are answered 503 until it is back');
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

/** Applies pending migrations up to and including `name` (a restore brings the schema to its backup's level first). */
export async function migrateTo(db: Db, name: string): Promise<void> {
  const result = await migrator(db).migrateTo(name);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${(result.error as Error).message}`, { cause: result.error });
  }
}

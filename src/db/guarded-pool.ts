import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { preparedName } from './prepared-statements.ts';
import type pg from 'pg';
import { DatabaseUnavailableError, type DatabaseTrouble } from '../errors.ts';
import { asDatabaseUnavailable, classifyDatabaseError } from './database-errors.ts';

/** What the application can learn about the database's state without asking it. */
export interface DatabaseHealth {
  /** ok, or why the last call failed. `storage_full` lasts until STORAGE_FULL_MS pass without a refused write. */
  state(): 'ok' | DatabaseTrouble;
}

export interface GuardOptions {
  /** A call (one statement, or BEGIN/COMMIT) that takes longer fails with DatabaseUnavailableError. */
  queryTimeoutMs: number;
  /**
   * The embedded database is one in-process session: a call that does not
   * finish in time means it is stuck for good, so a timeout is `failed`.
   */
  timeoutIsFatal: boolean;
  /**
   * The embedded database does not survive a failed write to its write-ahead
   * log (no space for a new pg_wal segment): the call after it never returns.
   * So such an error is `failed` there, not `storage_full`.
   */
  walWriteIsFatal: boolean;
  /** Told once per change of state (ok → trouble, trouble → ok), with the error that caused it. */
  onStateChange(state: 'ok' | DatabaseTrouble, err?: unknown): void;
}

/**
 * A full disk is reported this long after the last refused write. Writes that
 * fit in pages already allocated still succeed on a full disk, so success is
 * no sign of recovery; only a while without refusals is.
 */
const STORAGE_FULL_MS = 30_000;

/**
 * Puts node-postgres' pool behind what Kysely needs, so that every database
 * call of the application:
 *  - has a time limit (a stuck call answers 503 instead of hanging the request);
 *  - throws DatabaseUnavailableError (503) for connection loss, a full disk or
 *    a failed embedded database, instead of an error the web layer calls a bug;
 *  - never uses a connection again after it broke (it is destroyed on release).
 * Every client gets an 'error' listener for its whole life: pg emits 'error'
 * on a checked-out client when the server ends the connection between
 * queries (57P01 on pg_terminate_backend or a restart), and an 'error' event
 * without a listener ends the Node process.
 * After the embedded database failed, calls fail at once without touching it.
 */
export function guardPool(pool: pg.Pool, options: GuardOptions): { pool: PostgresPool; health: DatabaseHealth } {
  let state: 'ok' | DatabaseTrouble = 'ok';
  let storageFullAt = 0;
  const broken = new WeakSet<pg.PoolClient>();
  const guarded = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  const report = (trouble: DatabaseTrouble, err: unknown) => {
    if (state === 'failed') return;
    if (trouble === 'storage_full') storageFullAt = Date.now();
    if (state !== trouble) {
      state = trouble;
      options.onStateChange(trouble, err);
    }
  };
  /** After a call succeeded. */
  const recovered = () => {
    if (state === 'ok' || state === 'failed') return;
    if (state === 'storage_full' && Date.now() - storageFullAt < STORAGE_FULL_MS) return;
    state = 'ok';
    options.onStateChange('ok');
  };
  const classify = (err: unknown): DatabaseTrouble | undefined => {
    const trouble = classifyDatabaseError(err);
    if (trouble === 'storage_full' && options.walWriteIsFatal && /pg_wal\//.test((err as Error).message)) return 'failed';
    return trouble;
  };
  /** Turns `err` into what the caller sees, and notes what it says about the database. */
  const translate = (err: unknown, client?: pg.PoolClient): unknown => {
    const trouble = classify(err);
    if (!trouble) return err;
    // A refused write leaves the connection usable; anything else about the connection does not.
    if (client && trouble !== 'storage_full') broken.add(client);
    report(trouble, err);
    return trouble === 'failed' ? new DatabaseUnavailableError('failed', { cause: err }) : asDatabaseUnavailable(err);
  };
  const failedError = () => new DatabaseUnavailableError('failed');

  pool.on('connect', (client) => {
    client.on('error', (err) => {
      broken.add(client);
      const trouble = classify(err);
      if (trouble) report(trouble, err);
    });
  });
  // Idle clients: pg-pool removes them itself; the client's own listener above has noted the error.
  pool.on('error', () => {});

  const withTimeout = async <T,>(work: Promise<T>, client: pg.PoolClient): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        broken.add(client);
        const trouble: DatabaseTrouble = options.timeoutIsFatal ? 'failed' : 'unavailable';
        const err = new Error(`database call did not finish within ${options.queryTimeoutMs} ms`);
        report(trouble, err);
        reject(new DatabaseUnavailableError(trouble, { cause: err }));
      }, options.queryTimeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const known = guarded.get(client);
    if (known) return known;
    const wrapped = {
      async query(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<unknown>> {
        if (state === 'failed') throw failedError();
        if (broken.has(client)) throw new DatabaseUnavailableError('unavailable');
        try {
          const name = preparedName(sqlText);
          const work = name ? client.query({ name, text: sqlText, values: parameters as unknown[] }) : client.query(sqlText, parameters as unknown[]);
          // The query may still settle after a timeout; its outcome no longer matters.
          work.catch(() => {});
          const result = await withTimeout(work, client);
          recovered();
          return result as PostgresQueryResult<unknown>;
        } catch (err) {
          throw translate(err, client);
        }
      },
      release(destroy?: boolean | Error) {
        client.release(destroy || broken.has(client) || state === 'failed' ? true : undefined);
      },
      // Read by Kysely to cancel a query; harmless to expose.
      get processID() {
        return (client as unknown as { processID?: number }).processID;
      },
    };
    guarded.set(client, wrapped as unknown as PostgresPoolClient);
    return wrapped as unknown as PostgresPoolClient;
  };

  const facade: PostgresPool = {
    async connect() {
      if (state === 'failed') throw failedError();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw translate(err);
      }
      return wrap(client);
    },
    end: () => pool.end(),
    options: pool.options,
  };
  const health: DatabaseHealth = {
    state() {
      // A full disk is over once no write was refused for a while; other trouble ends with the next call that succeeds.
      if (state === 'storage_full') recovered();
      return state;
    },
  };
  return { pool: facade, health };
}

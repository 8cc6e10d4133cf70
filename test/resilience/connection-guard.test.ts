import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { databaseHealth, openDatabase, openPglite, type Db } from '../../src/db/database.ts';
import { guardPool } from '../../src/db/guarded-pool.ts';
import type { Database } from '../../src/db/schema.ts';
import { DatabaseUnavailableError } from '../../src/errors.ts';
import { TEST_PG_URL, databaseKinds } from '../helpers/databases.ts';

/** A fresh database on the shared server; only our own connections to it are ever ended. */
async function freshPostgresUrl(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `embargo_guard_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function terminateBackends(name: string): Promise<number> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(`SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    return Number(r.rows[0]!.n);
  } finally {
    await c.end();
  }
}

for (const kind of await databaseKinds()) {
  describe(`database calls through the guarded pool (${kind})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let pgName = '';
    const logged: string[] = [];
    const logger = { error: (_: unknown, msg: string) => logged.push(`error: ${msg}`), info: (_: unknown, msg: string) => logged.push(`info: ${msg}`) } as unknown as Logger;
    before(async () => {
      if (kind === 'pglite') {
        ({ db, close } = await openPglite(undefined, { logger }));
      } else {
        const fresh = await freshPostgresUrl();
        pgName = fresh.name;
        const opened = await openDatabase({ kind: 'postgres', url: fresh.url }, { logger });
        db = opened.db;
        close = async () => {
          await opened.close();
          await fresh.drop();
        };
      }
    });
    after(() => close?.());

    it('passes ordinary query errors through untouched and stays healthy', async () => {
      await assert.rejects(sql`SELECT * FROM no_such_table`.execute(db), (err: Error) => !(err instanceof DatabaseUnavailableError) && (err as { code?: string }).code === '42P01');
      await assert.rejects(sql`SELECT 1/0`.execute(db), (err: Error) => (err as { code?: string }).code === '22012');
      assert.equal(databaseHealth(db)?.state(), 'ok');
      assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows, [{ one: 1 }]);
    });

    if (kind === 'postgres') {
      it('survives its connections being ended, idle in a transaction or not: 503 to the transaction, a fresh connection for the next call', async () => {
        await sql`CREATE TABLE guard_t (n int)`.execute(db);
        let terminated = 0;
        // A transaction holding a checked-out client between two statements when its backend is ended:
        // pg emits 'error' on that client, which without a listener ends the process.
        const inTransaction = db.transaction().execute(async (trx) => {
          await sql`INSERT INTO guard_t VALUES (1)`.execute(trx);
          terminated = await terminateBackends(pgName);
          await new Promise((r) => setTimeout(r, 200));
          await sql`INSERT INTO guard_t VALUES (2)`.execute(trx);
        });
        await assert.rejects(inTransaction, (err: Error) => err instanceof DatabaseUnavailableError && err.status === 503);
        assert.ok(terminated >= 1);
        assert.equal(databaseHealth(db)?.state(), 'unavailable');
        assert.ok(logged.includes('error: database unavailable: requests are answered 503 until it is back'));
        // The broken client was destroyed, not handed out again.
        assert.deepEqual((await sql<{ n: string }>`SELECT count(*)::text AS n FROM guard_t`.execute(db)).rows, [{ n: '0' }]);
        assert.equal(databaseHealth(db)?.state(), 'ok');
        assert.ok(logged.includes('info: database available again'));
        // Idle clients in the pool ended too: the next calls still work.
        await terminateBackends(pgName);
        await new Promise((r) => setTimeout(r, 200));
        for (let i = 0; i < 3; i++) await sql`SELECT 1`.execute(db).catch((err) => assert.ok(err instanceof DatabaseUnavailableError));
        assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows, [{ one: 1 }]);
      });
    }
  });
}

describe('a database call that does not finish in time', () => {
  it('on PostgreSQL: 503 for that call, its connection destroyed, the next call served', async () => {
    const fresh = await freshPostgresUrl();
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    const states: string[] = [];
    const guarded = guardPool(pool, { queryTimeoutMs: 300, timeoutIsFatal: false, walWriteIsFatal: false, onStateChange: (s) => states.push(s) });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded.pool }) });
    try {
      const started = Date.now();
      await assert.rejects(sql`SELECT pg_sleep(5)`.execute(db), (err: Error) => err instanceof DatabaseUnavailableError && err.trouble === 'unavailable');
      assert.ok(Date.now() - started < 2000, 'answered at the time limit, not when the statement ended');
      assert.equal(pool.totalCount, 0, 'the connection that ran it was destroyed');
      assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows, [{ one: 1 }]);
      assert.deepEqual(states, ['unavailable', 'ok']);
    } finally {
      await db.destroy();
      await fresh.drop();
    }
  });

  it('on PGlite: a call waiting for the one connection held elsewhere is answered 503 at the time limit, and the database stays usable', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    const pglite = await PGlite.create();
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, connectionTimeoutMillis: 300 } as pg.PoolConfig);
    const states: string[] = [];
    const guarded = guardPool(pool, { queryTimeoutMs: 5_000, timeoutIsFatal: true, walWriteIsFatal: true, onStateChange: (s) => states.push(s) });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded.pool }) });
    try {
      let release!: () => void;
      const held = db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        await new Promise<void>((r) => (release = r));
      });
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      await assert.rejects(sql`SELECT 1`.execute(db), (err: Error) => err instanceof DatabaseUnavailableError && err.trouble === 'unavailable');
      assert.ok(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
      release();
      await held;
      assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows, [{ one: 1 }]);
      assert.deepEqual(states, ['unavailable', 'ok']);
    } finally {
      await db.destroy();
      await pglite.close();
    }
  });
});

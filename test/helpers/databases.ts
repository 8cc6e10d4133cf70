import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openPglite, type Db } from '../../src/db/database.ts';
import type { Database } from '../../src/db/schema.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { requirePeer, TEST_PG_URL } from './peers.ts';

export { TEST_PG_URL };

export interface TestDatabase {
  db: Db;
  close(): Promise<void>;
}

export type DatabaseKind = 'pglite' | 'postgres';

/** A fresh, migrated database of the given kind, with the demo program. */
export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const opened = kind === 'pglite' ? await openPglite(undefined) : await freshPostgres();
  await migrateToLatest(opened.db);
  await syncPrograms(opened.db, [demoProgram]);
  return opened;
}

async function freshPostgres(): Promise<TestDatabase> {
  const name = `embargo_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {}); // connections ended by DROP DATABASE … WITH (FORCE) below
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    async close() {
      await db.destroy();
      const admin2 = new pg.Client({ connectionString: TEST_PG_URL });
      await admin2.connect();
      await admin2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin2.end();
    },
  };
}

/**
 * The database kinds to run against: PGlite and PostgreSQL. A missing
 * PostgreSQL fails the file unless EMBARGO_TEST_SKIP=postgres allows it.
 */
export async function databaseKinds(): Promise<DatabaseKind[]> {
  return (await requirePeer('postgres')) ? ['pglite', 'postgres'] : ['pglite'];
}

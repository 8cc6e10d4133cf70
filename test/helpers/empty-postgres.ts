import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Db } from '../../src/db/database.ts';
import type { Database } from '../../src/db/schema.ts';
import { TEST_PG_URL } from './peers.ts';

export interface EmptyPostgres {
  /** Connection URL of the new database, for processes (the CLI, psql). */
  url: string;
  db: Db;
  close(): Promise<void>;
}

/**
 * A new PostgreSQL database, dropped on close: empty (no migrations run), or a copy of `template`
 * (postgres-template.ts).
 */
export async function emptyPostgres(options: { poolSize?: number; template?: string } = {}): Promise<EmptyPostgres> {
  const name = `embargo_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${options.template}` : ''}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: options.poolSize ?? 4 });
  pool.on('error', () => {}); // connections ended by DROP DATABASE … WITH (FORCE) below
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    url: url.toString(),
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

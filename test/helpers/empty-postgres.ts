import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/db/database.ts';
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
  // Opened as `embargo serve` opens PostgreSQL (src/db/database.ts): behind the same guarded pool,
  // which also names the statements kept prepared.
  const { db } = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: options.poolSize ?? 4 });
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

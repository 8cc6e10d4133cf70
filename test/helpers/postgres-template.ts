import pg from 'pg';
import { migrateToLatest } from '../../src/db/database.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { emptyPostgres } from './empty-postgres.ts';
import { TEST_PG_URL } from './peers.ts';

/**
 * A migrated PostgreSQL database with the demo program that each fresh test database is copied from
 * (`CREATE DATABASE … TEMPLATE`), the PostgreSQL twin of pglite-template.ts. Running every migration
 * costs about two seconds on a busy 2-core machine, and a run makes hundreds of fresh databases;
 * copying the template costs a fraction of that.
 *
 * Its name comes from EMBARGO_TEST_PG_TEMPLATE, which scripts/test.mjs sets for one run and drops
 * after it, so a template never outlives the migrations it was built from. Without the variable
 * (a file run on its own with plain `node --test`) there is no template and each database is
 * migrated from empty, as before.
 */
export const postgresTemplateName = (): string | undefined => {
  const name = process.env.EMBARGO_TEST_PG_TEMPLATE;
  if (name !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`EMBARGO_TEST_PG_TEMPLATE is not a plain identifier: ${name}`);
  return name;
};

let ready: Promise<string | undefined> | undefined;

/** The template's name once it exists (built by whichever test process asks first), or undefined. */
export function postgresTemplate(): Promise<string | undefined> {
  ready ??= ensureTemplate();
  return ready;
}

async function ensureTemplate(): Promise<string | undefined> {
  const name = postgresTemplateName();
  if (!name) return undefined;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    // Test processes start together: one builds, the others wait on the lock and then find it built.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = await emptyPostgres({ poolSize: 4 });
      try {
        await migrateToLatest(building.db);
        await syncPrograms(building.db, [demoProgram]);
      } catch (err) {
        await building.close();
        throw err;
      }
      await building.db.destroy();
      // Renamed into place only when complete: a template that exists is a finished one.
      await admin.query(`ALTER DATABASE ${new URL(building.url).pathname.slice(1)} RENAME TO ${name}`);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => {});
    await admin.end();
  }
}

/** Drops the run's template (scripts/test.mjs calls this at the end of a run). */
export async function dropPostgresTemplate(name: string, url = TEST_PG_URL): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

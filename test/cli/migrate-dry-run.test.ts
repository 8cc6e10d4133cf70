import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { runCli } from '../helpers/embargo-process.ts';
import { emptyPostgres } from '../helpers/empty-postgres.ts';

// In the order they run: Kysely sorts by name, whatever the order of index.ts.
const names = Object.keys(migrations).sort();

/** Where a CLI process and this test find the same database, one at a time (the embedded one admits one process). */
interface Target {
  env: Record<string, string>;
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function target(kind: 'pglite' | 'postgres'): Promise<Target> {
  if (kind === 'postgres') {
    const pg = await emptyPostgres();
    return { env: { DATABASE_URL: pg.url }, use: (fn) => fn(pg.db), close: () => pg.close() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'embargo-migrate-'));
  const dataDir = path.join(dir, 'data');
  return {
    env: { EMBARGO_DATA_DIR: dataDir },
    async use(fn) {
      const database = await openDatabase({ kind: 'embedded', dataDir });
      try {
        return await fn(database.db);
      } finally {
        await database.close();
      }
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function migrator(db: Db): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: 'embargo_migrations', migrationLockTableName: 'embargo_migrations_lock' });
}

async function ranNames(db: Db): Promise<string[] | undefined> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('embargo_migrations')::text AS t`.execute(db);
  if (!exists.rows[0]?.t) return undefined;
  return (await sql<{ name: string }>`SELECT name FROM embargo_migrations ORDER BY name`.execute(db)).rows.map((r) => r.name);
}

for (const kind of await databaseKinds()) {
  describe(`embargo migrate --dry-run (${kind})`, () => {
    let t: Target;
    before(async () => {
      t = await target(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('on an empty database lists every migration in order and creates nothing', async () => {
      const run = await runCli(['migrate', '--dry-run'], t.env);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, [`0 migrations applied; ${names.length} would run, in this order:`, ...names.map((n) => `  ${n}`), 'Nothing was changed (--dry-run).', ''].join('\n'));
      assert.equal(await t.use(ranNames), undefined, 'not even the migrations table');
    });

    it('on a database of an older version lists only the migrations it lacks, which migrate then runs', async () => {
      await t.use((db) => migrator(db).migrateTo(names.at(-3)!));
      const dry = await runCli(['migrate', '--dry-run'], t.env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.stdout, [`${names.length - 2} migrations applied; 2 would run, in this order:`, `  ${names.at(-2)}`, `  ${names.at(-1)}`, 'Nothing was changed (--dry-run).', ''].join('\n'));
      assert.deepEqual(await t.use(ranNames), names.slice(0, -2));

      const real = await runCli(['migrate'], t.env);
      assert.equal(real.code, 0, real.stderr);
      assert.equal(real.stdout, ['Migrations applied: 2', `  ${names.at(-2)}`, `  ${names.at(-1)}`, ''].join('\n'));
      const after = await runCli(['migrate', '--dry-run'], t.env);
      assert.equal(after.stdout, `The database is up to date (${names.length} migrations applied); nothing would run.\n`);
    });

    it('refuses a database migrated by a newer version, naming its migration', async () => {
      await t.use((db) => sql`INSERT INTO embargo_migrations (name, timestamp) VALUES ('2999-01-01T0000-from-the-future', '2999-01-01T00:00:00Z')`.execute(db));
      for (const args of [['migrate', '--dry-run'], ['migrate']]) {
        const run = await runCli(args, t.env);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /migrated by a newer version of Embargo: it ran 2999-01-01T0000-from-the-future, which this version does not have/);
      }
    });

    it('rejects an unknown option with the usage', async () => {
      const run = await runCli(['migrate', '--dryrun'], t.env);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^embargo migrate: Unknown option '--dryrun'.*Usage: embargo migrate \[--dry-run\]/);
    });
  });
}

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { migrateToLatest, openPglite } from '../../src/db/database.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { emptyPostgres } from '../helpers/empty-postgres.ts';
import { describeSchema, SNAPSHOT_PATH } from './schema-snapshot.ts';

// `npm run schema:snapshot` sets this: the snapshot is rewritten from PGlite, then PostgreSQL must match it.
const UPDATE = process.env.EMBARGO_UPDATE_SCHEMA_SNAPSHOT === '1';
const HOW = 'If the change is intended, regenerate the snapshot with `npm run schema:snapshot` and commit it with the migration.';

describe('schema snapshot: every schema change shows in review', () => {
  for (const kind of ['pglite', 'postgres'] as const) {
    it(`the schema after migrateToLatest on ${kind} equals test/fixtures/schema.snapshot.txt`, async (t) => {
      if (kind === 'postgres' && !(await databaseKinds()).includes('postgres')) return t.skip('EMBARGO_TEST_SKIP=postgres');
      const opened = kind === 'pglite' ? await openPglite(undefined) : await emptyPostgres();
      try {
        await migrateToLatest(opened.db);
        const actual = await describeSchema(opened.db);
        if (UPDATE && kind === 'pglite') writeFileSync(SNAPSHOT_PATH, actual);
        assert.ok(existsSync(SNAPSHOT_PATH), `${SNAPSHOT_PATH} is missing. ${HOW}`);
        assert.equal(actual, readFileSync(SNAPSHOT_PATH, 'utf8'), `The schema differs from the snapshot. ${HOW}`);
      } finally {
        await opened.close();
      }
    });
  }
});

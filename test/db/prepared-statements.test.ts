import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { prepared, preparedName } from '../../src/db/prepared-statements.ts';
import { countHit, rateLimitKeys } from '../../src/web/rate-limit.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { testSecret } from '../helpers/factories.ts';

/**
 * Hot statements are named so PostgreSQL parses and plans them once per
 * connection (src/db/prepared-statements.ts). pg_prepared_statements is per
 * session, so each check runs inside one transaction (one connection).
 */
for (const kind of await databaseKinds()) {
  describe(`statements kept prepared (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });
    const key = rateLimitKeys(testSecret);

    it('a marked statement is parsed once on a connection and run again from its kept plan', async () => {
      await t.db.transaction().execute(async (trx) => {
        const first = await countHit(trx, key('test:prepared', 'a'), 60);
        const second = await countHit(trx, key('test:prepared', 'a'), 60);
        assert.deepEqual([first.hits, second.hits], [1, 2]);
        const kept = await sql<{ name: string; runs: number }>`
          SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements WHERE name LIKE 'embargo\\_%'`.execute(trx);
        assert.equal(kept.rows.length, 1, `kept: ${JSON.stringify(kept.rows)}`);
        assert.equal(kept.rows[0]!.runs, 2);
      });
    });

    it('keeps working when its table changes while the plan is kept', async () => {
      await t.db.transaction().execute(async (trx) => {
        await countHit(trx, key('test:prepared', 'b'), 60);
        await sql`ALTER TABLE rate_limits ADD COLUMN prepared_probe integer`.execute(trx);
        assert.equal((await countHit(trx, key('test:prepared', 'b'), 60)).hits, 2);
        await sql`ALTER TABLE rate_limits DROP COLUMN prepared_probe`.execute(trx);
        assert.equal((await countHit(trx, key('test:prepared', 'b'), 60)).hits, 3);
      });
    });
  });
}

describe('which statements are named', () => {
  it('only marked ones, each text under its own name, and no more than 64 in all', () => {
    const text = (i: number) => `SELECT ${i} AS probe`;
    assert.equal(preparedName(text(0)), undefined, 'unmarked');
    prepared(CompiledQuery.raw(text(0)));
    const name = preparedName(text(0));
    assert.match(name ?? '', /^embargo_[\w-]{24}$/);
    prepared(CompiledQuery.raw(text(0)));
    assert.equal(preparedName(text(0)), name, 'the same text keeps its name');
    for (let i = 1; i < 100; i++) prepared(CompiledQuery.raw(text(i)));
    const named = Array.from({ length: 100 }, (_, i) => preparedName(text(i))).filter(Boolean);
    assert.ok(named.length <= 64 && named.length >= 60, `${named.length} named`);
    assert.equal(new Set(named).size, named.length, 'distinct names');
    assert.equal(preparedName(text(99)), undefined, 'past the limit, run unnamed');
  });
});

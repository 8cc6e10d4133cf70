import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { countInboxTabs } from '../../src/reports/inbox-counts.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport } from '../helpers/factories.ts';

/** The statements a call sends, compiled, so their plans can be asked for. */
async function statementsOf(db: Db, call: (db: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const captured: { node: RootOperationNode; queryId: QueryId }[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      captured.push({ node: args.node, queryId: args.queryId });
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  await call(db.withPlugin(plugin));
  return captured.map(({ node, queryId }) => db.getExecutor().compileQuery(node, queryId));
}

/**
 * Every inbox page counts its tabs. At 1,000,000 reports (32,000 open) a
 * visit to the table per open report was most of the page's time; the counts
 * of open reports per state and of due ones must be answerable from an index
 * alone (docs/performance.md). Sequential and bitmap scans are switched off
 * here so that the few rows of a test database cannot hide what the index can do.
 */
for (const kind of await databaseKinds()) {
  describe(`inbox tab counts (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
      for (let i = 0; i < 5; i++) await makeReport(t.db, { title: `Counted report ${i}` });
      await sql`VACUUM (ANALYZE) reports`.execute(t.db);
    });
    after(async () => {
      await t?.close();
    });

    it('counts open reports per state and due reports with index-only scans', async () => {
      const program = await demo(t.db);
      await t.db.connection().execute(async (conn) => {
        await sql`SET enable_seqscan = off`.execute(conn);
        await sql`SET enable_bitmapscan = off`.execute(conn);
        try {
          const statements = await statementsOf(conn, (db) => countInboxTabs(db, [program.id]));
          const open = statements.filter((s) => /quarantined" = \$\d/.test(s.sql) && /"state" in/.test(s.sql));
          assert.equal(open.length, 2, `the per-state and the due count: ${statements.map((s) => s.sql).join('\n')}`);
          for (const s of open) {
            const plan = (await conn.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${s.sql}`, [...s.parameters]))).rows.map((r) => r['QUERY PLAN']).join('\n');
            assert.match(plan, /Index Only Scan using reports_(open|due)_counts/, `${s.sql}\n${plan}`);
          }
        } finally {
          await sql`RESET enable_seqscan`.execute(conn);
          await sql`RESET enable_bitmapscan`.execute(conn);
        }
      });
    });
  });
}

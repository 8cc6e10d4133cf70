import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inboxQuerySchema, listReports } from '../../src/reports/list-reports.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testVault } from '../helpers/factories.ts';

/**
 * A search for words few reports contain fetches those reports by id (the
 * planner cannot tell a rare blind term from a common one, docs/performance.md);
 * one whose words many reports contain keeps the ordered scan. Both must list
 * the same reports in the same order, page by page.
 */
for (const kind of await databaseKinds()) {
  describe(`inbox search, few and many matches (${kind})`, () => {
    let t: TestDatabase;
    let staffId: string;
    before(async () => {
      t = await freshDatabase(kind);
      staffId = (await makeStaff(t.db)).id;
      // 230 reports share "gadget" (more than the few-matches limit of 200); three also name "zephyrine".
      for (let i = 0; i < 230; i++) {
        await makeReport(t.db, { title: `Gadget crash number ${i}`, description: `The gadget crashes ${i % 77 === 0 ? 'with zephyrine input ' : ''}when the request is replayed twice in a row.` });
      }
    });
    after(async () => {
      await t?.close();
    });

    async function allPages(q: string): Promise<string[]> {
      const program = await demo(t.db);
      const refs: string[] = [];
      let afterCursor: string | undefined;
      do {
        const page = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ q, state: 'all', ...(afterCursor ? { after: afterCursor } : {}) }), currentUserId: staffId });
        refs.push(...page.rows.map((r) => r.reference));
        afterCursor = page.next;
      } while (afterCursor);
      return refs;
    }

    it('finds the three reports with a rare word, newest first', async () => {
      const refs = await allPages('zephyrine');
      assert.equal(refs.length, 3);
      assert.deepEqual(refs, [...refs].sort().reverse());
    });

    it('pages through all 230 reports with a common word, newest first, none twice', async () => {
      const refs = await allPages('gadget');
      assert.equal(refs.length, 230);
      assert.equal(new Set(refs).size, 230);
      assert.deepEqual(refs, [...refs].sort().reverse());
    });

    it('finds nothing for a word no report contains', async () => {
      assert.deepEqual(await allPages('nonexistentword'), []);
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReportSubmission } from '../../src/domain/report-input.ts';
import { inboxQuerySchema, listReports } from '../../src/reports/list-reports.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { checkDuplicatesAtSubmission, listSubmissionSuggestions } from '../../src/triage/duplicate-suggestions.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeStaff, reportInput, testVault } from '../helpers/factories.ts';

const HTTP2 = {
  title: 'Heap buffer overflow in HTTP/2 header parser',
  product: 'example-gateway',
  description: 'Sending a HEADERS frame with a very long header value (over 64 KiB) to the HTTP/2 listener overflows a heap buffer in the HPACK header parser. The worker crashes.',
};
const SAME = {
  title: 'Heap buffer overflow in the HTTP/2 header parser',
  product: 'example-gateway',
  description: 'A HEADERS frame with a very long header value (more than 64 KiB) sent to the HTTP/2 listener overflows a heap buffer in the HPACK header parser; the worker crashes.',
};
const UNRELATED = {
  title: 'Password reset token does not expire',
  product: 'example-cloud',
  description: 'Password reset links keep working weeks after they were sent and after the password was changed.',
};

for (const kind of await databaseKinds()) {
  describe(`duplicate check at submission on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(() => t.close());

    // The same path as the web and API routes: submitReport with the check as its withinTransaction step.
    async function submit(overrides: Partial<ReportSubmission>) {
      const program = await demo(t.db);
      const input = reportInput(program, overrides);
      return submitReport(t.db, testVault, {
        program, input, files: [], channel: 'web',
        withinTransaction: await checkDuplicatesAtSubmission(t.db, testVault, { programId: program.id, input }),
      });
    }

    it('records a near-identical second report as a likely duplicate of the first, and nothing for an unrelated one', async () => {
      const first = await submit(HTTP2);
      assert.deepEqual(await listSubmissionSuggestions(t.db, first.id), [], 'the first report has nothing to duplicate');
      const second = await submit(SAME);
      const suggestions = await listSubmissionSuggestions(t.db, second.id);
      assert.equal(suggestions.length, 1);
      assert.equal(suggestions[0]?.reference, first.reference);
      assert.ok(suggestions[0]!.score >= 0.55, `score ${suggestions[0]?.score}`);
      assert.match(suggestions[0]!.reason, /same product/);
      assert.doesNotMatch(suggestions[0]!.reason, /shares/, "stored in clear, so without words of the sealed texts");
      const other = await submit(UNRELATED);
      assert.deepEqual(await listSubmissionSuggestions(t.db, other.id), []);

      // The inbox flags only the report with suggestions.
      const program = await demo(t.db);
      const staff = await makeStaff(t.db);
      const page = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({}), currentUserId: staff.id });
      const flagged = Object.fromEntries(page.rows.map((r) => [r.reference, r.possibleDuplicate]));
      assert.deepEqual(flagged, { [first.reference]: false, [second.reference]: true, [other.reference]: false });
    });
  });
}

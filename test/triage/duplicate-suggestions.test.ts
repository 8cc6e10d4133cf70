import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReportSubmission } from '../../src/domain/report-input.ts';
import { inboxQuerySchema, listReports } from '../../src/reports/list-reports.ts';
import { recordEvent } from '../../src/reports/record-event.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { listSubmissionSuggestions, recordDuplicatesOfSubmission, recordSubmissionDuplicates } from '../../src/triage/duplicate-suggestions.ts';
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
  describe(`duplicate search after each submission on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(() => t.close());

    // As every channel does it: submitReport commits, then the job that follows the submission (its
    // team notice, src/team-notices/team-jobs.ts) searches for duplicates by the submitted event.
    async function submit(overrides: Partial<ReportSubmission>) {
      const program = await demo(t.db);
      const input = reportInput(program, overrides);
      const created = await submitReport(t.db, testVault, { program, input, files: [], channel: 'web' });
      const job = await t.db.selectFrom('jobs').select(['payload']).where('kind', '=', 'notify-team').orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
      await recordDuplicatesOfSubmission(t.db, testVault, (job.payload as { eventId: string }).eventId);
      return created;
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

    it('counts only reports received before the new one, and records nothing twice when its job runs again', async () => {
      const program = await demo(t.db);
      // Two near-identical reports stored before either job ran (a busy worker): only the later one is flagged.
      const a = await submitReport(t.db, testVault, { program, input: reportInput(program, { ...HTTP2, title: 'Heap overflow in the HPACK decoder of HTTP/2' }), files: [], channel: 'web' });
      const b = await submitReport(t.db, testVault, { program, input: reportInput(program, { ...SAME, title: 'Heap overflow in the HPACK decoder of the HTTP/2 listener' }), files: [], channel: 'web' });
      assert.equal(await recordSubmissionDuplicates(t.db, testVault, b.id) > 0, true, 'the later report finds the earlier one');
      await recordSubmissionDuplicates(t.db, testVault, a.id);
      const ofA = await t.db.selectFrom('duplicate_suggestions').select(['candidate_id']).where('report_id', '=', a.id).execute();
      assert.ok(!ofA.some((r) => r.candidate_id === b.id), 'the earlier report does not find the later one');
      const again = await recordSubmissionDuplicates(t.db, testVault, b.id);
      const stored = await t.db.selectFrom('duplicate_suggestions').select(['candidate_id']).where('report_id', '=', b.id).execute();
      assert.equal(stored.length, again, 'a retried job records the same rows once');
      assert.ok(stored.some((r) => r.candidate_id === a.id));
    });

    it('records nothing for an event other than a submission', async () => {
      const program = await demo(t.db);
      // A second copy of an earlier report, whose follow-up job has not run; then a staff-only event on it.
      const copy = await submitReport(t.db, testVault, { program, input: reportInput(program, SAME), files: [], channel: 'web' });
      const other = await t.db.transaction().execute((trx) =>
        recordEvent(trx, { reportId: copy.id, actor: { kind: 'system' }, type: 'quarantined', data: { reasons: [] }, reporterVisible: false }),
      );
      assert.equal(await recordDuplicatesOfSubmission(t.db, testVault, other), 0);
      assert.equal(await t.db.selectFrom('duplicate_suggestions').select('candidate_id').where('report_id', '=', copy.id).execute().then((r) => r.length), 0);
      assert.equal(await recordDuplicatesOfSubmission(t.db, testVault, '999999999'), 0);
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBusinessCalendar } from '../../src/calendar/business-calendar.ts';
import { changeState, postReporterReply, postStaffMessage } from '../../src/reports/report-actions.ts';
import { loadReportHistory } from '../../src/sla/load-report-history.ts';
import { computeSlaClocks } from '../../src/sla/sla-clocks.ts';
import { slaTargetsSchema } from '../../src/sla/sla-targets.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeReport, makeStaff, moveReport, testVault } from '../helpers/factories.ts';

for (const kind of await databaseKinds()) {
  describe(`SLA history from the stored timeline on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t.close();
    });

    it('reads the real events a report gets and computes its clocks from them', async () => {
      const report = await makeReport(t.db);
      const staff = await makeStaff(t.db, 'triager');
      await changeState(t.db, testVault, { reportId: report.id, to: 'needs-info', actorId: staff.id });
      await postReporterReply(t.db, testVault, { reportId: report.id, body: 'Here is the missing version.', files: [] });
      await postStaffMessage(t.db, testVault, { reportId: report.id, actorId: staff.id, visibility: 'internal', body: 'note', files: [] });
      await postStaffMessage(t.db, testVault, { reportId: report.id, actorId: staff.id, visibility: 'reporter', body: 'Thanks!', files: [] });
      await moveReport(t.db, testVault, { reportId: report.id, to: 'acknowledged', actorId: staff.id });

      const history = await loadReportHistory(t.db, report.id);
      assert.ok(history);
      assert.deepEqual(history.events.map((e) => (e.kind === 'state-changed' ? `${e.from}→${e.to}` : e.kind)), [
        'new→needs-info', 'reporter-update', 'needs-info→new', 'reporter-update', 'evaluation-sent', 'new→acknowledged', 'reporter-update',
      ]);
      const calendar = createBusinessCalendar({ timeZone: 'UTC' });
      const targets = slaTargetsSchema.parse({ firstResponseBusinessDays: 3, noUpdateNudgeDays: 14 });
      const [firstResponse, nudge] = computeSlaClocks({ history, targets, calendar, now: new Date() });
      assert.equal(firstResponse!.state, 'met');
      assert.equal(nudge!.state, 'running');
      assert.equal(await loadReportHistory(t.db, '00000000-0000-0000-0000-000000000000'), undefined);
    });
  });
}

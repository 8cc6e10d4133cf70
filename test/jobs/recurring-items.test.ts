// Recurring work goes on past a failing item: one report or program that throws is handed to the
// sweep's error callback, and the others' reminders, CRA clocks and digests are still queued.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { instantAt, localDateOf } from '../../src/calendar/zoned-time.ts';
import { nextBusinessDay } from '../../src/calendar/business-calendar.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { loadProgram, syncPrograms } from '../../src/programs/programs.ts';
import { programSla } from '../../src/sla/report-clocks.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { queueTeamDigests } from '../../src/team-notices/team-digest.ts';
import { sweepDisclosureDates } from '../../src/disclosure/disclosure-sweep.ts';
import { sweepCraClocks } from '../../src/cra/cra-sweep.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { reportInput, testVault } from '../helpers/factories.ts';

for (const kind of await databaseKinds()) {
  describe(`team digests past a broken program (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('a program whose SLA settings throw is reported; the other program still gets its digests queued', async () => {
      await syncPrograms(t.db, [{ ...demoProgram, slug: 'broken', name: 'Broken', referencePrefix: 'BRK' }, demoProgram]);
      const good = (await loadProgram(t.db, { slug: demoProgram.slug }))!;
      const bad = (await loadProgram(t.db, { slug: 'broken' }))!;
      const member = await createStaffUser(t.db, { email: 'digest@example.com', displayName: 'Digest', password: 'a long passphrase for the test', role: 'triager' }, [good.id]);
      await createStaffUser(t.db, { email: 'broken@example.com', displayName: 'Broken', password: 'a long passphrase for the test', role: 'triager' }, [bad.id]);
      // A hand-edited config the SLA code cannot read.
      await t.db.updateTable('programs').set({ config: JSON.stringify({ ...(bad.config as object), sla: 'three days, roughly' }) }).where('id', '=', bad.id).execute();

      const { calendar } = programSla(good.config);
      const day = nextBusinessDay(calendar, localDateOf(new Date(), calendar.timeZone));
      const errors: { programId: string }[] = [];
      const queued = await queueTeamDigests(t.db, instantAt(calendar.timeZone, day, 10 * 3_600_000), (_err, item) => errors.push(item));
      assert.equal(queued, 1, 'the healthy program’s member gets a digest');
      assert.deepEqual(errors.map((e) => e.programId), [bad.id], 'the broken program is reported, once');
      const jobs = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'team-digest').execute();
      assert.deepEqual(jobs.map((j) => (j.payload as { userId: string }).userId), [member.id]);
    });

    it('disclosure reminders: a report whose stored time zone cannot be read is reported, the other is reminded', async () => {
      const good = (await loadProgram(t.db, { slug: demoProgram.slug }))!;
      const lead = await createStaffUser(t.db, { email: 'disclosure-lead@example.com', displayName: 'Lead', password: 'a long passphrase for the test', role: 'lead' }, [good.id]);
      void lead;
      const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
      const agreed = { disclosure_at: inThreeDays, disclosure_status: 'agreed' as const, disclosure_proposed_by: 'reporter' as const };
      const broken = await submitReport(t.db, testVault, { program: good, input: reportInput(good, { title: 'Broken zone' }), files: [], channel: 'web' });
      const fine = await submitReport(t.db, testVault, { program: good, input: reportInput(good, { title: 'Fine' }), files: [], channel: 'web' });
      await t.db.updateTable('reports').set({ ...agreed, disclosure_time_zone: 'Mars/Olympus_Mons' }).where('id', '=', broken.id).execute();
      await t.db.updateTable('reports').set({ ...agreed, disclosure_time_zone: 'Europe/Amsterdam' }).where('id', '=', fine.id).execute();
      const failed: string[] = [];
      const queued = await sweepDisclosureDates(t.db, new Date(), (_err, reportId) => failed.push(reportId));
      assert.deepEqual(failed, [broken.id]);
      assert.ok(queued >= 1, 'the healthy report’s reminder is queued');
      const reminded = await t.db.selectFrom('sla_reminders').select('report_id').where('clock', '=', 'disclosure').execute();
      assert.deepEqual([...new Set(reminded.map((r) => r.report_id))], [fine.id]);
    });

    it('CRA clocks: a report whose program’s time zone cannot be read is reported, the other’s overdue early warning is reminded', async () => {
      await syncPrograms(t.db, [{ ...demoProgram, slug: 'cra-broken', name: 'CRA broken', referencePrefix: 'CRB' }, demoProgram]);
      const good = (await loadProgram(t.db, { slug: demoProgram.slug }))!;
      const bad = (await loadProgram(t.db, { slug: 'cra-broken' }))!;
      await createStaffUser(t.db, { email: 'cra-lead@example.com', displayName: 'CRA lead', password: 'a long passphrase for the test', role: 'lead' }, [good.id, bad.id]);
      // A hand-edited config: the CRA final report counts local days in a zone that does not exist.
      await t.db.updateTable('programs').set({ config: JSON.stringify({ ...(bad.config as object), calendar: { ...((bad.config as { calendar: object }).calendar), timeZone: 'Mars/Olympus_Mons' } }) }).where('id', '=', bad.id).execute();
      const broken = await submitReport(t.db, testVault, { program: bad, input: reportInput(bad, { title: 'Exploited, broken zone' }), files: [], channel: 'web' });
      const fine = await submitReport(t.db, testVault, { program: good, input: reportInput(good, { title: 'Exploited, fine' }), files: [], channel: 'web' });
      const now = new Date();
      const awareAt = new Date(now.getTime() - 30 * 3_600_000); // the 24 h early warning is overdue
      for (const r of [broken, fine]) {
        await t.db.insertInto('cra_cases').values({ id: crypto.randomUUID(), report_id: r.id, kind: 'exploited-vulnerability', aware_at: awareAt, measure_available_at: new Date(now.getTime() - 3_600_000), marked_by: null }).execute();
      }
      const failed: string[] = [];
      const queued = await sweepCraClocks(t.db, now, (_err, reportId) => failed.push(reportId));
      assert.deepEqual(failed, [broken.id], 'the broken report is reported, once');
      assert.ok(queued >= 1, 'the healthy report’s reminder is queued');
      const reminded = await t.db.selectFrom('sla_reminders').select(['report_id', 'clock']).where('report_id', 'in', [broken.id, fine.id]).execute();
      assert.deepEqual([...new Set(reminded.map((r) => r.report_id))], [fine.id]);
      assert.ok(reminded.some((r) => r.clock.includes('early-warning')), JSON.stringify(reminded));
      // The next sweep runs again and still reports the broken one, without reminding the healthy one twice.
      const again: string[] = [];
      assert.equal(await sweepCraClocks(t.db, now, (_err, reportId) => again.push(reportId)), 0);
      assert.deepEqual(again, [broken.id]);
    });
  });
}

import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { loadMetrics, metricsCsv } from '../../src/metrics/report-metrics.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, moveReport, testVault } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const DAY = 864e5;

for (const kind of await databaseKinds()) {
  describe(`metrics on ${kind}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(async () => {
      await t.close();
    });

    it('counts reports per month and channel, measures response times and sorts open reports by age', async () => {
      const db = t.ctx.db;
      const staff = await makeStaff(db, 'triager');
      const program = await demo(db);
      const now = new Date();
      // Three reports received 10, 4 and 40 days ago; the first two answered now.
      const ages = [10, 4, 40];
      const reports = [];
      for (const age of ages) {
        const r = await makeReport(db);
        // created_at is never updated by the app (its type forbids it); the test backdates it directly.
        await sql`UPDATE reports SET created_at = ${new Date(now.getTime() - age * DAY)} WHERE id = ${r.id}`.execute(db);
        reports.push(r);
      }
      await db.updateTable('reports').set({ channel: 'email' }).where('id', '=', reports[1]!.id).execute();
      await moveReport(db, testVault, { reportId: reports[0]!.id, to: 'acknowledged', actorId: staff.id });
      await moveReport(db, testVault, { reportId: reports[1]!.id, to: 'acknowledged', actorId: staff.id });
      await changeState(db, testVault, { reportId: reports[1]!.id, to: 'triaged', actorId: staff.id });

      const m = await loadMetrics(db, [program.id], now);
      assert.equal(m.months.length, 12);
      const total = m.months.reduce((n, r) => n + r.byChannel.web + r.byChannel.email + r.byChannel.api, 0);
      assert.equal(total, 3);
      assert.equal(m.months.reduce((n, r) => n + r.byChannel.email, 0), 1);
      assert.equal(m.months.reduce((n, r) => n + r.byOutcome.open, 0), 3);

      const first = m.durations.find((d) => d.name === 'first-response')!;
      assert.equal(first.count, 2);
      // median of ~96 h and ~240 h
      assert.ok(first.medianHours! > 160 && first.medianHours! < 175, String(first.medianHours));
      assert.ok(first.p90Hours! > 220 && first.p90Hours! < 241, String(first.p90Hours));
      assert.equal(m.durations.find((d) => d.name === 'triage')!.count, 1);
      assert.equal(m.durations.find((d) => d.name === 'fix')!.count, 0);

      const firstResponse = m.sla.find((s) => s.name === 'first-response')!;
      assert.equal(firstResponse.met + firstResponse.breached + firstResponse.running, 3);
      assert.ok(firstResponse.breached >= 2, 'answered after 4 and 10 days, and one unanswered for 40: all late');

      const ages3 = Object.fromEntries(m.openByAge.map((a) => [a.bucket, Object.values(a.bySeverity).reduce((x, y) => x + y, 0)]));
      assert.deepEqual(ages3, { 'under 7 days': 1, '7–30 days': 1, '30–90 days': 1, 'over 90 days': 0 });

      const csv = metricsCsv(m);
      assert.match(csv, /^"metric","key","series","value"\r\n/);
      assert.match(csv, /"duration_hours","first-response","count","2"/);
    });

    it('serves the page with SVG charts and the CSV to staff only', async () => {
      const anonymous = new Client(t.app);
      assert.equal((await anonymous.get('/staff/metrics')).statusCode, 303);
      assert.equal((await anonymous.get('/staff/metrics.csv')).statusCode, 303);
      const user = await makeStaff(t.ctx.db, 'viewer');
      const c = await Client.signedIn(t.app, user);
      const page = await c.get('/staff/metrics');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<svg viewBox="0 0 720 260" role="img" aria-labelledby="by-channel-title"/);
      assert.match(page.body, /Time to first response/);
      const csv = await c.get('/staff/metrics.csv');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment/);
    });
  });
}

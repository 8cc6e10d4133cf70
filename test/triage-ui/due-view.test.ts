import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeState } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { demo, makeReport, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('the inbox Due view', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'triager', 'Dee Due');
    staffId = user.id;
    c = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  it('orders open reports by nearest deadline, badges breaches, and drops paused ones', async () => {
    const program = await demo(t.ctx.db);
    // Received a month ago: its first response is long overdue.
    const old = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { title: 'Old overdue report' }), files: [], channel: 'web', now: new Date(Date.now() - 30 * 86_400_000) });
    const fresh = await makeReport(t.ctx.db, { title: 'Fresh report' });
    const waiting = await makeReport(t.ctx.db, { title: 'Waiting report' });
    await changeState(t.ctx.db, t.ctx.vault, { reportId: waiting.id, to: 'needs-info', actorId: staffId });
    const row = (id: string) => t.ctx.db.selectFrom('reports').select(['next_deadline_at']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok((await row(old.id)).next_deadline_at! < new Date());
    assert.equal((await row(waiting.id)).next_deadline_at, null, 'every clock is paused while waiting on the reporter');

    const page = await c.get('/staff/reports/due');
    assert.equal(page.statusCode, 200);
    const oldAt = page.body.indexOf(old.reference);
    const freshAt = page.body.indexOf(fresh.reference);
    assert.ok(oldAt > 0 && freshAt > oldAt, 'the overdue report comes first');
    assert.equal(page.body.indexOf(waiting.reference), -1);
    assert.match(page.body, /class="urgency urgency-breached">Breached/);
    assert.match(page.body, /overdue by/);
    assert.match((await c.get('/staff/reports')).body, /href="\/staff\/reports\/due"/, 'the inbox links the Due tab');

    // The reporter's answer resumes the clocks and the report is due again.
    const { postReporterReply } = await import('../../src/reports/report-actions.ts');
    await postReporterReply(t.ctx.db, t.ctx.vault, { reportId: waiting.id, body: 'Here is more.', files: [] });
    assert.ok((await row(waiting.id)).next_deadline_at instanceof Date);
  });

  it('turns the daily digest off and on', async () => {
    const page = await c.get('/staff/reports/due');
    assert.match(page.body, /Stop the daily digest/);
    const res = await c.postForm('/staff/preferences/sla-digest', { _csrf: Client.csrf(page.body), enabled: 'no' });
    assert.equal(res.statusCode, 303);
    assert.equal((await t.ctx.db.selectFrom('staff_users').select('sla_digest').where('id', '=', staffId).executeTakeFirstOrThrow()).sla_digest, false);
    assert.match((await c.get('/staff/reports/due?digest=saved')).body, /Send me the daily digest/);
  });
});

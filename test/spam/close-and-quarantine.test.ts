import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadTimeline } from '../../src/reports/read-report.ts';
import { makeReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';
import { goodReport, lowEffortReport, signIn, submitWeb } from './spam-helpers.ts';

describe('closing as not applicable or spam, and the quarantine', () => {
  let t: TestApp;
  let c: Client;
  before(async () => {
    t = await startTestApp();
    ({ c } = await signIn(t, 'triager', 'Tess Triage'));
  });
  after(async () => {
    await t.close();
  });

  const stateOf = (id: string) => t.ctx.db.selectFrom('reports').select(['state', 'closure_reason', 'quarantined']).where('id', '=', id).executeTakeFirstOrThrow();
  const lastEvent = (id: string) => t.ctx.db.selectFrom('report_events').selectAll().where('report_id', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const notifyJobs = async (eventId: string) =>
    (await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-reporter').execute()).filter((j) => j.payload.eventId === eventId).length;

  it('closes as not applicable with a reason category the reporter is told', async () => {
    const r = await makeReport(t.ctx.db);
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow()).reference;
    const page = await c.get(`/staff/reports/${ref}`);
    assert.match(page.body, /Close as not applicable/);
    const csrf = Client.csrf(page.body);

    const noCsrf = await c.postForm(`/staff/reports/${ref}/close`, { closureReason: 'out-of-scope' });
    assert.equal(noCsrf.statusCode, 403);
    const noReason = await c.postForm(`/staff/reports/${ref}/close`, { _csrf: csrf, closureReason: '' });
    assert.equal(noReason.statusCode, 422);
    assert.match(noReason.body, /Choose why the report does not apply/);

    const ok = await c.postForm(`/staff/reports/${ref}/close`, { _csrf: csrf, closureReason: 'out-of-scope', note: 'The <staging> host is not ours.' });
    assert.equal(ok.statusCode, 303);
    assert.deepEqual(await stateOf(r.id), { state: 'not-applicable', closure_reason: 'out-of-scope', quarantined: false });
    const event = await lastEvent(r.id);
    assert.equal(event.type, 'state-changed');
    assert.equal(event.reporter_visible, true);
    assert.equal(event.data.reason, undefined, 'the note is sealed, not in the clear data');
    const opened = (await loadTimeline(t.ctx.db, t.ctx.vault, r.id, 'staff', [])).find((e) => e.id === event.id);
    assert.match(String(opened?.kind === 'event' && opened.data.reason), /^Out of scope: .*\n\nThe <staging> host is not ours\.$/s);
    assert.equal(await notifyJobs(event.id), 1, 'the reporter is notified once');

    const track = await new Client(t.app).get(`/track/${r.trackingToken}`);
    assert.match(track.body, /Out of scope: what you reported is not covered/);
    assert.match(track.body, /The &lt;staging> host is not ours\./);

    const again = await c.postForm(`/staff/reports/${ref}/close`, { _csrf: csrf, closureReason: 'informative' });
    assert.equal(again.statusCode, 409, 'the lifecycle refuses a second closing');
  });

  it('closes as spam without telling the reporter, and blocks the sender: their next report is quarantined', async () => {
    const first = await submitWeb(t, { ...goodReport, reporterEmail: 'Spammer@Example.net' });
    assert.equal(first.quarantined, false);
    const csrf = Client.csrf((await c.get(`/staff/reports/${first.reference}`)).body);
    const res = await c.postForm(`/staff/reports/${first.reference}/spam`, { _csrf: csrf, block: 'yes' });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /done=spam-blocked/);
    assert.equal((await stateOf(first.id)).state, 'spam');
    const events = await t.ctx.db.selectFrom('report_events').select(['id', 'type', 'reporter_visible']).where('report_id', '=', first.id).orderBy('id').execute();
    const spamEvent = events.find((e) => e.type === 'state-changed')!;
    assert.equal(spamEvent.reporter_visible, false);
    assert.equal(await notifyJobs(spamEvent.id), 0, 'no reply is sent for spam');
    assert.ok(events.some((e) => e.type === 'sender-blocked'));

    const blocked = await t.ctx.db.selectFrom('blocked_senders').select(['kind', 'value_hash', 'reason', 'blocked_by']).execute();
    assert.deepEqual(blocked.map((b) => b.kind), ['email'], 'the address only: the IP is blocked only when an admin chooses it');
    for (const b of blocked) assert.ok(!b.value_hash.toString('latin1').toLowerCase().includes('spammer'), 'only a keyed hash is stored');

    const next = await submitWeb(t, { ...goodReport, reporterEmail: 'spammer@example.NET' });
    assert.equal(next.quarantined, true);
    assert.deepEqual(next.reasons, ['blocked-email']);
  });

  it('quarantines a low-effort submission: stored and acknowledged, listed only in the Quarantine tab, released with one click', async () => {
    const form = new Client(t.app);
    const csrf0 = Client.csrf((await form.get('/report')).body);
    const res = await form.postMultipart('/report', { ...lowEffortReport, reporterEmail: 'someone@example.com', _csrf: csrf0 });
    assert.equal(res.statusCode, 303, 'never refused');
    assert.match((await form.get(String(res.headers.location))).body, /Thank you: your report is stored/);
    const row = await t.ctx.db.selectFrom('reports').select(['id', 'reference', 'quarantined', 'quarantine_reasons', 'ai_assistance']).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    assert.equal(row.quarantined, true);
    assert.deepEqual(row.quarantine_reasons, ['low-effort', 'no-steps', 'ai-found']);
    assert.equal(row.ai_assistance, 'finding');

    const inbox = await c.get('/staff/reports');
    assert.doesNotMatch(inbox.body, new RegExp(row.reference), 'not in the normal views');
    assert.match(inbox.body, /Quarantine<span class="count">\d+<\/span>/);
    assert.match((await c.get(`/staff/reports?q=${row.reference}`)).body, new RegExp(row.reference), 'a reference search still finds it');
    const tab = await c.get('/staff/reports/quarantine');
    assert.match(tab.body, new RegExp(row.reference));
    assert.match(tab.body, /No real steps to reproduce/);
    assert.match(tab.body, /AI assistance: Yes, for finding the vulnerability/);

    const release = await c.postForm(`/staff/reports/${row.reference}/release`, { _csrf: Client.csrf(tab.body), back: 'quarantine' });
    assert.equal(release.statusCode, 303);
    assert.match(String(release.headers.location), /^\/staff\/reports\/quarantine\?done=released/);
    assert.equal((await stateOf(row.id)).quarantined, false);
    assert.match((await c.get('/staff/reports')).body, new RegExp(row.reference));
    const again = await c.postForm(`/staff/reports/${row.reference}/release`, { _csrf: Client.csrf(tab.body) });
    assert.equal(again.statusCode, 409);
  });

  it('quarantines API submissions too, and lets a viewer read but not decide', async () => {
    const { c: viewer } = await signIn(t, 'viewer');
    const { token } = await makeApiToken(t.ctx.db, ['reports:submit']);
    const { aiAssistance: _ai, policyVersion: _pv, ...fields } = lowEffortReport;
    const created = await apiClient(t, token).post('/api/v1/reports', { ...fields, reporterEmail: 'other@example.com', aiAssistance: 'finding' });
    assert.equal(created.status, 201, created.body);
    const q = await t.ctx.db.selectFrom('reports').select(['reference', 'quarantined', 'submitter_ip_hash']).where('id', '=', created.json.id).executeTakeFirstOrThrow();
    assert.equal(q.quarantined, true);
    assert.equal(q.submitter_ip_hash, null, 'an API client’s address is the platform’s, not the reporter’s');
    const tab = await viewer.get('/staff/reports/quarantine');
    assert.match(tab.body, new RegExp(q.reference));
    assert.match(tab.body, /Read only/);
    const refused = await viewer.postForm(`/staff/reports/${q.reference}/spam`, { _csrf: Client.csrf(tab.body) });
    assert.equal(refused.statusCode, 403);
  });
});

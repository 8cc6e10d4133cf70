import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeState } from '../../src/reports/report-actions.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { apiClient, makeApiToken, otherProgram } from '../api/api-helpers.ts';
import { makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const HOSTILE = '<script>alert("x")</script>';
// A date far enough ahead to stay in the future whenever this runs.
const YEAR = new Date().getUTCFullYear() + 1;

describe('the disclosure date over HTTP: staff propose, the reporter agrees or proposes, publishing waits for it', () => {
  let t: TestApp;
  let triager: Client;
  let lead: Client;
  let viewer: Client;
  let stranger: Client;
  let leadId: string;
  before(async () => {
    t = await startTestApp();
    const leadUser = await makeStaff(t.ctx.db, 'lead', 'Lena Lead');
    leadId = leadUser.id;
    triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager', 'Tess Triager'));
    lead = await Client.signedIn(t.app, leadUser);
    viewer = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'viewer', 'Vic Viewer'));
    const other = await otherProgram(t.ctx.db);
    const password = 'correct horse battery staple';
    await createStaffUser(t.ctx.db, { email: 'oscar@other.example', displayName: 'Oscar Other', password, role: 'lead' }, [other.id]);
    stranger = await Client.signedIn(t.app, { email: 'oscar@other.example', password });
  });
  after(async () => {
    await t.close();
  });

  const row = (id: string) => t.ctx.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('staff propose, the reporter sees it and agrees with one click; staff page and API show it agreed', async () => {
    const report = await makeReport(t.ctx.db);
    const staffUrl = `/staff/reports/${report.reference}`;
    const page = await triager.get(staffUrl);
    assert.match(page.body, /Disclosure date/);
    assert.match(page.body, /No disclosure date proposed yet/);
    assert.match(page.body, /name="disclosureTimeZone" value="Europe\/Amsterdam"/, 'the program’s zone by default');
    assert.match(page.body, /name="disclosureTime" type="time" value="09:00"/, '09:00 by default');
    const csrf = Client.csrf(page.body);

    const bad = await triager.postForm(`${staffUrl}/disclosure-date`, { _csrf: csrf, disclosureDate: `${YEAR}-02-30`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Give the date as YYYY-MM-DD/);
    assert.match(bad.body, new RegExp(`value="${YEAR}-02-30"`), 'the typed value is kept');

    const proposed = await triager.postForm(`${staffUrl}/disclosure-date`, {
      _csrf: csrf, disclosureDate: `${YEAR}-03-11`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam', disclosureMessage: `Patch day is the 10th. ${HOSTILE}`,
    });
    assert.equal(proposed.statusCode, 303);
    assert.match(proposed.headers.location!, /done=disclosure-proposed/);
    const stored = await row(report.id);
    assert.equal(stored.disclosure_at?.toISOString(), `${YEAR}-03-11T08:00:00.000Z`);
    assert.equal(stored.disclosure_status, 'proposed-by-team');
    // The reporter is notified (the event is reporter-visible), and the message is sealed, never stored in clear.
    const event = await t.ctx.db.selectFrom('report_events').select(['id', 'type', 'data', 'reporter_visible']).where('report_id', '=', report.id).where('type', '=', 'disclosure-date-proposed').executeTakeFirstOrThrow();
    assert.equal(event.reporter_visible, true);
    assert.doesNotMatch(JSON.stringify(event.data), /Patch day/);
    const jobs = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-reporter').execute();
    assert.ok(jobs.some((j) => j.payload.eventId === event.id));

    const staffPage = await triager.get(proposed.headers.location!);
    assert.match(staffPage.body, /Disclosure date proposed; the reporter is told/);
    assert.match(staffPage.body, new RegExp(`Thursday 11 March ${YEAR}, 09:00 \\(Europe/Amsterdam\\)`));
    assert.match(staffPage.body, /Proposed by the team; waiting for the reporter/);

    const track = new Client(t.app);
    const trackUrl = `/track/${report.trackingToken}`;
    const trackPage = await track.get(trackUrl);
    assert.match(trackPage.body, /Proposed by the security team; waiting for your answer/);
    assert.match(trackPage.body, new RegExp(`Thursday 11 March ${YEAR}, 09:00 \\(Europe/Amsterdam\\)`));
    assert.match(trackPage.body, /The security team proposed to disclose publicly on/);
    assert.ok(trackPage.body.includes('Patch day is the 10th. &lt;script>'), 'the message is in the thread, escaped');
    assert.ok(!trackPage.body.includes(HOSTILE));
    const seen = /name="seen" value="([^"]+)"/.exec(trackPage.body)![1]!;

    // No CSRF token: refused, nothing agreed.
    assert.equal((await track.postForm(`${trackUrl}/disclosure-date/agree`, { seen })).statusCode, 403);
    assert.equal((await row(report.id)).disclosure_status, 'proposed-by-team');
    const agreed = await track.postForm(`${trackUrl}/disclosure-date/agree`, { _csrf: Client.csrf(trackPage.body), seen });
    assert.equal(agreed.statusCode, 303);
    assert.equal((await row(report.id)).disclosure_status, 'agreed');
    const after = await track.get(agreed.headers.location!);
    assert.match(after.body, /You agreed to the disclosure date/);
    assert.match(after.body, /You agreed to disclose publicly on/);

    const staffAfter = await triager.get(staffUrl);
    assert.match(staffAfter.body, /Agreed by both sides/);
    assert.match(staffAfter.body, /The reporter agreed to disclose publicly on/);
    // The team hears of it: a mail to whoever works the report (the leads: nobody is assigned).
    const notices = await t.ctx.db.selectFrom('sla_reminders').select(['threshold', 'recipient_id']).where('report_id', '=', report.id).execute();
    assert.deepEqual(notices.map((n) => [n.threshold, n.recipient_id]), [['reporter-agreed', leadId]]);

    const { token } = await makeApiToken(t.ctx.db, ['reports:read']);
    const api = await apiClient(t, token).get(`/api/v1/reports/${report.reference}`);
    assert.equal(api.status, 200);
    assert.deepEqual(api.json.disclosure, { at: `${YEAR}-03-11T08:00:00.000Z`, timeZone: 'Europe/Amsterdam', status: 'agreed', proposedBy: 'team' });
  });

  it('the reporter proposes another date with a reason; the team agrees to it; a later change needs a reason', async () => {
    const report = await makeReport(t.ctx.db);
    const staffUrl = `/staff/reports/${report.reference}`;
    const trackUrl = `/track/${report.trackingToken}`;
    const csrf = Client.csrf((await triager.get(staffUrl)).body);
    assert.equal((await triager.postForm(`${staffUrl}/disclosure-date`, { _csrf: csrf, disclosureDate: `${YEAR}-03-11`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam' })).statusCode, 303);

    const track = new Client(t.app);
    const trackCsrf = Client.csrf((await track.get(trackUrl)).body);
    const noReason = await track.postForm(`${trackUrl}/disclosure-date`, { _csrf: trackCsrf, disclosureDate: `${YEAR}-05-01`, disclosureTime: '10:30', disclosureTimeZone: 'America/New_York' });
    assert.equal(noReason.statusCode, 422);
    assert.match(noReason.body, /Say why you propose another date/);
    assert.match(noReason.body, /value="America\/New_York"/);
    const counter = await track.postForm(`${trackUrl}/disclosure-date`, {
      _csrf: trackCsrf, disclosureDate: `${YEAR}-05-01`, disclosureTime: '10:30', disclosureTimeZone: 'America/New_York', disclosureMessage: `My talk is on 1 May ${HOSTILE}`,
    });
    assert.equal(counter.statusCode, 303);
    const stored = await row(report.id);
    assert.equal(stored.disclosure_status, 'proposed-by-reporter');
    assert.equal(stored.disclosure_at?.toISOString(), `${YEAR}-05-01T14:30:00.000Z`, '10:30 EDT');
    assert.match((await track.get(counter.headers.location!)).body, /Your proposal was sent to the security team/);

    const staffPage = await triager.get(staffUrl);
    assert.match(staffPage.body, /Proposed by the reporter; waiting for the team/);
    // The reporter's moment, converted for the team into the program's zone (10:30 EDT is 16:30 in Amsterdam).
    assert.match(staffPage.body, new RegExp(`1 May ${YEAR}, 16:30 \\(Europe/Amsterdam\\)</[a-z]+> in the program(’|&#x27;)s time zone`));
    assert.match(staffPage.body, new RegExp(`The reporter proposed to disclose publicly on Saturday 1 May ${YEAR}, 10:30 \\(America/New_York\\) \\(later than before\\)`));
    assert.ok(staffPage.body.includes('My talk is on 1 May &lt;script>'));
    assert.ok(!staffPage.body.includes(HOSTILE));
    assert.match(staffPage.body, /Agree to this date/);
    const seen = /name="seen" value="([^"]+)"/.exec(staffPage.body)![1]!;
    const agreed = await triager.postForm(`${staffUrl}/disclosure-date/agree`, { _csrf: Client.csrf(staffPage.body), seen });
    assert.equal(agreed.statusCode, 303);
    assert.match(agreed.headers.location!, /done=disclosure-agreed/);
    assert.equal((await row(report.id)).disclosure_status, 'agreed');
    const agreement = await t.ctx.db.selectFrom('report_events').select(['id', 'reporter_visible']).where('report_id', '=', report.id).where('type', '=', 'disclosure-date-agreed').executeTakeFirstOrThrow();
    assert.ok((await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-reporter').execute()).some((j) => j.payload.eventId === agreement.id), 'the reporter is told');

    // Agreed: moving it later needs a reason, the reporter must agree again.
    const later = await triager.postForm(`${staffUrl}/disclosure-date`, { _csrf: csrf, disclosureDate: `${YEAR}-06-01`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam' });
    assert.equal(later.statusCode, 422);
    assert.match(later.body, /say why it moves later/);
    const withReason = await triager.postForm(`${staffUrl}/disclosure-date`, { _csrf: csrf, disclosureDate: `${YEAR}-06-01`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam', disclosureMessage: 'The backport slipped.' });
    assert.equal(withReason.statusCode, 303);
    assert.equal((await row(report.id)).disclosure_status, 'proposed-by-team');
    // The reporter's page still shows the old seen value in a stale tab: refused, not agreed blindly.
    const stale = await track.postForm(`${trackUrl}/disclosure-date/agree`, { _csrf: trackCsrf, seen });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /changed since the page was shown/);
    assert.equal((await row(report.id)).disclosure_status, 'proposed-by-team');
  });

  it('a viewer cannot propose (403); another program’s staff get 404; a closed report takes no date', async () => {
    const report = await makeReport(t.ctx.db);
    const staffUrl = `/staff/reports/${report.reference}`;
    const fields = { disclosureDate: `${YEAR}-03-11`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam' };
    const viewerPage = await viewer.get(staffUrl);
    assert.match(viewerPage.body, /No disclosure date proposed yet/);
    assert.doesNotMatch(viewerPage.body, /Propose to the reporter/, 'no form for a viewer');
    assert.equal((await viewer.postForm(`${staffUrl}/disclosure-date`, { _csrf: Client.csrf(viewerPage.body), ...fields })).statusCode, 403);
    const strangerCsrf = Client.csrf((await stranger.get('/staff/reports')).body);
    assert.equal((await stranger.postForm(`${staffUrl}/disclosure-date`, { _csrf: strangerCsrf, ...fields })).statusCode, 404);
    assert.equal((await stranger.postForm(`${staffUrl}/disclosure-date/agree`, { _csrf: strangerCsrf })).statusCode, 404);
    assert.equal((await row(report.id)).disclosure_at, null);

    await changeState(t.ctx.db, t.ctx.vault, { reportId: report.id, to: 'spam', actorId: leadId });
    const closed = await triager.postForm(`${staffUrl}/disclosure-date`, { _csrf: Client.csrf((await triager.get(staffUrl)).body), ...fields });
    assert.equal(closed.statusCode, 409);
    assert.match(closed.body, /no longer open/);
  });

  it('publishing the advisory before the agreed date needs the explicit decision', async () => {
    const report = await makeReport(t.ctx.db);
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: report.id, to, actorId: leadId });
    const started = await lead.postForm(`/staff/reports/${report.reference}/advisory`, { _csrf: Client.csrf((await lead.get(`/staff/reports/${report.reference}`)).body) });
    assert.equal(started.statusCode, 303);
    const editorUrl = started.headers.location!.replace(/\?.*$/, '');
    const editor = await lead.get(editorUrl);
    assert.match(editor.body, /Disclosure date: <strong>none agreed<\/strong>/);
    const fields = { _csrf: Client.csrf(editor.body), title: 'Stored XSS in the user list', summary: 'Update to 4.2.2.', 'product.0.id': 'example-cloud', 'product.0.fixed': '4.2.2', intent: 'publish', confirm: 'yes' };

    const noDate = await lead.postForm(editorUrl, fields);
    assert.equal(noDate.statusCode, 422);
    assert.match(noDate.body, /No disclosure date is agreed with the reporter/);

    // Agreed for next year: still too early without the checkbox.
    const staffUrl = `/staff/reports/${report.reference}`;
    await lead.postForm(`${staffUrl}/disclosure-date`, { _csrf: Client.csrf((await lead.get(staffUrl)).body), disclosureDate: `${YEAR}-03-11`, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam' });
    const track = new Client(t.app);
    const trackPage = await track.get(`/track/${report.trackingToken}`);
    await track.postForm(`/track/${report.trackingToken}/disclosure-date/agree`, { _csrf: Client.csrf(trackPage.body), seen: /name="seen" value="([^"]+)"/.exec(trackPage.body)![1]! });
    assert.equal((await row(report.id)).disclosure_status, 'agreed');
    const early = await lead.postForm(editorUrl, fields);
    assert.equal(early.statusCode, 422);
    assert.match(early.body, new RegExp(`The disclosure was agreed for Thursday 11 March ${YEAR}, 09:00`));
    assert.match(early.body, /name="publishEarly"/);
    const state = await t.ctx.db.selectFrom('advisories').select('state').where('report_id', '=', report.id).executeTakeFirstOrThrow();
    assert.equal(state.state, 'draft', 'nothing published');

    const published = await lead.postForm(editorUrl, { ...fields, publishEarly: 'yes' });
    assert.equal(published.statusCode, 303);
    assert.equal((await row(report.id)).state, 'disclosed');
  });

  it('publishes without the checkbox once the agreed moment has passed', async () => {
    const report = await makeReport(t.ctx.db);
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: report.id, to, actorId: leadId });
    // An agreement reached earlier, whose moment is now past (set directly: the use cases refuse past dates).
    await t.ctx.db.updateTable('reports').set({ disclosure_at: new Date(Date.now() - 3_600_000), disclosure_time_zone: 'Europe/Amsterdam', disclosure_status: 'agreed', disclosure_proposed_by: 'team' }).where('id', '=', report.id).execute();
    const started = await lead.postForm(`/staff/reports/${report.reference}/advisory`, { _csrf: Client.csrf((await lead.get(`/staff/reports/${report.reference}`)).body) });
    const editorUrl = started.headers.location!.replace(/\?.*$/, '');
    const editor = await lead.get(editorUrl);
    assert.match(editor.body, /agreed by both sides, 1 h ago/);
    assert.doesNotMatch(editor.body, /name="publishEarly"/);
    const published = await lead.postForm(editorUrl, { _csrf: Client.csrf(editor.body), title: 'XSS', summary: 'Update.', 'product.0.id': 'example-cloud', 'product.0.fixed': '4.2.2', intent: 'publish', confirm: 'yes' });
    assert.equal(published.statusCode, 303);
  });
});

describe('the disclosure date over the API', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('proposes with reports:write, agrees by proposing the reporter’s moment, and answers errors as JSON', async () => {
    const report = await makeReport(t.ctx.db);
    const url = `/api/v1/reports/${report.reference}/disclosure-date`;
    const reader = apiClient(t, (await makeApiToken(t.ctx.db, ['reports:read'])).token);
    assert.equal((await reader.post(url, { date: `${YEAR}-03-11` })).status, 403);
    const writer = apiClient(t, (await makeApiToken(t.ctx.db, ['reports:read', 'reports:write'])).token);
    const bad = await writer.post(url, { date: `${YEAR}-13-01`, timeZone: 'Nowhere/Else' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.code, 'validation_failed');
    const proposed = await writer.post(url, { date: `${YEAR}-03-11` });
    assert.equal(proposed.status, 200);
    assert.deepEqual(proposed.json.disclosure, { at: `${YEAR}-03-11T08:00:00.000Z`, timeZone: 'Europe/Amsterdam', status: 'proposed-by-team', proposedBy: 'team' });

    // The reporter counters on the tracking page; proposing their moment through the API agrees to it.
    const track = new Client(t.app);
    const page = await track.get(`/track/${report.trackingToken}`);
    const fields = { disclosureDate: `${YEAR}-03-18`, disclosureTime: '15:00', disclosureTimeZone: 'Asia/Tokyo', disclosureMessage: 'After the patch weekend.' };
    assert.equal((await track.postForm(`/track/${report.trackingToken}/disclosure-date`, { _csrf: Client.csrf(page.body), ...fields })).statusCode, 303);
    const agreed = await writer.post(url, { date: `${YEAR}-03-18`, time: '15:00', timeZone: 'Asia/Tokyo' });
    assert.equal(agreed.status, 200);
    assert.deepEqual(agreed.json.disclosure, { at: `${YEAR}-03-18T06:00:00.000Z`, timeZone: 'Asia/Tokyo', status: 'agreed', proposedBy: 'reporter' });
  });
});

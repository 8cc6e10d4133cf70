import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const signIn = (t: TestApp, user: { email: string; password: string }) => Client.signedIn(t.app, user);

const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

describe('staff triage on the report page', () => {
  let t: TestApp;
  let staff: Client;
  let viewer: Client;
  before(async () => {
    t = await startTestApp();
    staff = await signIn(t, await makeStaff(t.ctx.db, 'triager', 'Tess Triager'));
    viewer = await signIn(t, await makeStaff(t.ctx.db, 'viewer', 'Vic Viewer'));
  });
  after(async () => {
    await t.close();
  });

  async function newReport(overrides = {}) {
    const s = await makeReport(t.ctx.db, overrides);
    return (await t.ctx.db.selectFrom('reports').select(['id', 'reference']).where('id', '=', s.id).executeTakeFirstOrThrow());
  }
  const row = (id: string) => t.ctx.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('shows every SLA clock in the program time zone, and stores the nearest deadline', async () => {
    const r = await newReport();
    const page = await staff.get(`/staff/reports/${r.reference}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Response times/);
    assert.match(page.body, /Due \(Europe\/Amsterdam\)/);
    for (const label of ['First response', 'Triage decision', 'Remediation', 'Update to the reporter']) assert.match(page.body, new RegExp(label));
    assert.match(page.body, /3 business days after receipt/);
    assert.match(page.body, /Starts when the report is triaged/);
    const stored = await row(r.id);
    assert.ok(stored.next_deadline_at instanceof Date, 'next_deadline_at is set on submission');
    assert.ok(stored.next_deadline_at > stored.created_at);
  });

  it('scores a valid team vector, refuses an invalid one with the typed value kept, and keeps the reporter suggestion apart', async () => {
    const r = await newReport({ cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N' });
    const csrf = Client.csrf((await staff.get(`/staff/reports/${r.reference}`)).body);
    const bad = await staff.postForm(`/staff/reports/${r.reference}/severity`, { _csrf: csrf, teamCvss: 'CVSS:3.1/AV:N/AC:L' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /not valid/);
    assert.match(bad.body, /value="CVSS:3.1\/AV:N\/AC:L"/);
    assert.equal((await row(r.id)).team_cvss_vector, null, 'an invalid vector is never stored');

    const ok = await staff.postForm(`/staff/reports/${r.reference}/severity`, { _csrf: csrf, teamCvss: VECTOR });
    assert.equal(ok.statusCode, 303);
    const saved = await row(r.id);
    assert.equal(saved.team_cvss_vector, VECTOR);
    assert.equal(Number(saved.team_cvss_score), 9.8);
    assert.equal(saved.severity, 'critical');
    const page = await staff.get(ok.headers.location as string);
    assert.match(page.body, /Severity saved/);
    assert.match(page.body, /9\.8 Critical/);
    assert.match(page.body, /Reporter’s suggestion/);
    assert.match(page.body, /CVSS:3.1\/AV:N\/AC:H\/PR:L\/UI:R/);
    const events = await t.ctx.db.selectFrom('report_events').select(['type', 'data']).where('report_id', '=', r.id).where('type', '=', 'severity-set').execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.data.severity, 'critical');
  });

  it('takes a second team vector of the other CVSS version beside the first, shown on the report page', async () => {
    const r = await newReport({});
    const csrf = Client.csrf((await staff.get(`/staff/reports/${r.reference}`)).body);
    const v40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    const same = await staff.postForm(`/staff/reports/${r.reference}/severity`, { _csrf: csrf, teamCvss: VECTOR, teamCvssSecond: VECTOR });
    assert.equal(same.statusCode, 422);
    assert.match(same.body, /the second one is of the other version/);
    assert.match(same.body, /id="teamCvssSecond" name="teamCvssSecond" value="CVSS:3.1\/AV:N/, 'the typed value is kept');
    const ok = await staff.postForm(`/staff/reports/${r.reference}/severity`, { _csrf: csrf, teamCvss: VECTOR, teamCvssSecond: v40 });
    assert.equal(ok.statusCode, 303);
    const saved = await t.ctx.db.selectFrom('reports').select(['team_cvss_vector', 'team_cvss_second_vector', 'severity']).where('id', '=', r.id).executeTakeFirstOrThrow();
    assert.deepEqual(saved, { team_cvss_vector: VECTOR, team_cvss_second_vector: v40, severity: 'critical' });
    const page = await staff.get(ok.headers.location as string);
    assert.match(page.body, new RegExp(`<code class="vector">${v40.replace(/[/.]/g, '\\$&')}</code>`));
  });

  it('sets the CWE from a typed id or a suggestion, and refuses unknown ones', async () => {
    const r = await newReport({ vulnerabilityType: 'sqli' });
    const page = await staff.get(`/staff/reports/${r.reference}?cweq=path+traversal`);
    assert.match(page.body, /name="pick" value="89"/, 'suggestions for the vulnerability type');
    assert.match(page.body, /name="pick" value="22"/, 'search results');
    const csrf = Client.csrf(page.body);
    const bad = await staff.postForm(`/staff/reports/${r.reference}/cwe`, { _csrf: csrf, cwe: 'CWE-999999' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /not in the CWE list/);
    assert.equal((await staff.postForm(`/staff/reports/${r.reference}/cwe`, { _csrf: csrf, cwe: 'cwe-79' })).statusCode, 303);
    assert.equal((await row(r.id)).cwe_id, 79);
    assert.equal((await staff.postForm(`/staff/reports/${r.reference}/cwe`, { _csrf: csrf, cwe: '', pick: '89' })).statusCode, 303);
    assert.equal((await row(r.id)).cwe_id, 89);
  });

  it('acknowledges with an evaluation and date the reporter sees, then moves the date only with a reason', async () => {
    const s = await makeReport(t.ctx.db);
    const r = await row(s.id);
    const csrf = Client.csrf((await staff.get(`/staff/reports/${r.reference}`)).body);
    const past = await staff.postForm(`/staff/reports/${r.reference}/acknowledge`, { _csrf: csrf, evaluation: 'Confirmed.', expectedResolutionDate: '2001-01-01' });
    assert.equal(past.statusCode, 422);
    assert.match(past.body, /cannot be in the past/);
    const ok = await staff.postForm(`/staff/reports/${r.reference}/acknowledge`, { _csrf: csrf, evaluation: 'We confirmed the XSS; it affects admins only.', expectedResolutionDate: '2099-03-01' });
    assert.equal(ok.statusCode, 303);
    const after1 = await row(r.id);
    assert.equal(after1.state, 'acknowledged');
    assert.equal(after1.expected_resolution_date, '2099-03-01');
    const jobs = await t.ctx.db.selectFrom('jobs').select('kind').where('kind', '=', 'notify-reporter').execute();
    assert.ok(jobs.length >= 1);
    const track = await new Client(t.app).get(`/track/${s.trackingToken}`);
    assert.match(track.body, /We confirmed the XSS; it affects admins only\./);
    assert.match(track.body, /1 March 2099/);
    const page = await staff.get(`/staff/reports/${r.reference}`);
    assert.match(page.body, /First response/);
    assert.match(page.body, /Met /);

    const noReason = await staff.postForm(`/staff/reports/${r.reference}/resolution-date`, { _csrf: csrf, date: '2099-04-01', reason: '' });
    assert.equal(noReason.statusCode, 422);
    assert.match(noReason.body, /Say why the date moves later/);
    const moved = await staff.postForm(`/staff/reports/${r.reference}/resolution-date`, { _csrf: csrf, date: '2099-04-01', reason: 'The fix needs a firmware release.' });
    assert.equal(moved.statusCode, 303);
    assert.equal((await row(r.id)).expected_resolution_date, '2099-04-01');
    const track2 = await new Client(t.app).get(`/track/${s.trackingToken}`);
    assert.match(track2.body, /The fix needs a firmware release\./);
    const earlier = await staff.postForm(`/staff/reports/${r.reference}/resolution-date`, { _csrf: csrf, date: '2099-02-01', reason: '' });
    assert.equal(earlier.statusCode, 303, 'an earlier date needs no reason');
  });

  it('lets a viewer read the panels but not post to them', async () => {
    const r = await newReport();
    const page = await viewer.get(`/staff/reports/${r.reference}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Response times/);
    assert.doesNotMatch(page.body, /action="[^"]*\/severity"/);
    const res = await viewer.postForm(`/staff/reports/${r.reference}/severity`, { _csrf: Client.csrf(page.body), teamCvss: VECTOR });
    assert.equal(res.statusCode, 403);
    const anon = await new Client(t.app).postForm(`/staff/reports/${r.reference}/severity`, { teamCvss: VECTOR });
    assert.equal(anon.statusCode, 303);
    assert.equal((await row(r.id)).team_cvss_vector, null);
  });
});

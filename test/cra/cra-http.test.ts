import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toLocalInput } from '../../src/cra/local-moment.ts';
import { demo, makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';

/** The section of a page between two markers, to check where a panel sits. */
const indexOf = (body: string, needle: string) => body.indexOf(needle);

describe('CRA Article 14 over HTTP: panel, CRA screen, Due view, API, exports', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('a lead marks a report actively exploited; the clocks show high up on the report page, in the Due view and the API; a triager cannot mark', async () => {
    const program = await demo(t.ctx.db);
    const zone = program.config.calendar.timeZone;
    const report = await makeReport(t.ctx.db, { title: 'Exploited <b>login</b> bypass' });
    const lead = await makeStaff(t.ctx.db, 'lead', 'Lena Lead');
    const triager = await makeStaff(t.ctx.db, 'triager', 'Tom Triager');
    const ref = report.reference;

    // Before: a closed group with the mark form for the lead; no clocks.
    const l = await Client.signedIn(t.app, lead);
    const page0 = await l.get(`/staff/reports/${ref}`);
    assert.equal(page0.statusCode, 200);
    assert.match(page0.body, /id="group-cra"/);
    assert.match(page0.body, /Mark and start the clocks/);

    // A triager sees no mark form, and a hand-made post is refused.
    const tr = await Client.signedIn(t.app, triager);
    const trPage = await tr.get(`/staff/reports/${ref}`);
    assert.doesNotMatch(trPage.body, /Mark and start the clocks/);
    const aware = new Date(Date.now() - 2 * 3_600_000);
    const refused = await tr.postForm(`/staff/reports/${ref}/cra/mark`, { _csrf: Client.csrf(trPage.body), kind: 'exploited-vulnerability', awareAt: toLocalInput(aware, zone) });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Only a lead or admin/);
    // CSRF required.
    assert.equal((await l.postForm(`/staff/reports/${ref}/cra/mark`, { kind: 'exploited-vulnerability', awareAt: toLocalInput(aware, zone) })).statusCode, 403);
    // A bad moment comes back with what was typed.
    const bad = await l.postForm(`/staff/reports/${ref}/cra/mark`, { _csrf: Client.csrf(page0.body), kind: 'exploited-vulnerability', awareAt: '2026-13-45T99:00' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /value="2026-13-45T99:00"/);

    const marked = await l.postForm(`/staff/reports/${ref}/cra/mark`, { _csrf: Client.csrf(page0.body), kind: 'exploited-vulnerability', awareAt: toLocalInput(aware, zone) });
    assert.equal(marked.statusCode, 303);
    assert.equal(marked.headers.location, `/staff/reports/${ref}/cra?done=marked`);

    // The report page: the panel sits in the next-step column above the report while a clock runs.
    const page1 = await l.get(`/staff/reports/${ref}`);
    assert.doesNotMatch(page1.body, /id="group-cra"/);
    const panel = indexOf(page1.body, 'EU CRA reporting (Art. 14)');
    assert.ok(panel > 0 && panel < indexOf(page1.body, 'id="report-h"'), 'above the report');
    assert.match(page1.body, /Early warning <span class="meta">Art\. 14\(2\)\(a\)/);
    assert.match(page1.body, /due in 2\d h|due in 1 day/);
    assert.match(page1.body, /waiting for a corrective or mitigating measure/);
    assert.match(page1.body, /marked this report for EU CRA reporting/, 'timeline');

    // The Due view lists the open steps, linked to the CRA screen; the title is escaped.
    const due = await l.get('/staff/reports/due');
    assert.match(due.body, /EU CRA reporting deadlines/);
    assert.match(due.body, new RegExp(`href="/staff/reports/${ref}/cra"`));
    assert.match(due.body, /Exploited &lt;b>login&lt;\/b> bypass/);
    assert.match(due.body, /Vulnerability notification <span class="meta">Art\. 14\(2\)\(b\)/);

    // The API.
    const token = await makeApiToken(t.ctx.db, ['reports:read']);
    const api = await apiClient(t, token.token).get(`/api/v1/reports/${ref}`);
    assert.equal(api.status, 200);
    assert.equal(api.json.cra.length, 1);
    const c = api.json.cra[0];
    assert.equal(c.kind, 'exploited-vulnerability');
    assert.equal(c.awareAt, new Date(Math.floor(aware.getTime() / 60_000) * 60_000).toISOString());
    assert.deepEqual(c.clocks.map((k: { state: string }) => k.state), ['running', 'running', 'waiting']);
    assert.equal(c.clocks[0].dueAt, new Date(new Date(c.awareAt).getTime() + 24 * 3_600_000).toISOString());
    assert.equal(c.clocks[1].article, 'Art. 14(2)(b)');
  });

  it('the CRA screen: drafts pre-filled, saved (refused input kept), required fields named, exports as downloads, submissions recorded', async () => {
    const program = await demo(t.ctx.db);
    const zone = program.config.calendar.timeZone;
    const report = await makeReport(t.ctx.db, { title: 'Severe incident report', impact: 'Build server compromised.' });
    const lead = await makeStaff(t.ctx.db, 'lead');
    const viewer = await makeStaff(t.ctx.db, 'viewer');
    const ref = report.reference;
    const l = await Client.signedIn(t.app, lead);
    const p0 = await l.get(`/staff/reports/${ref}/cra`);
    assert.match(p0.body, /not marked for CRA reporting/);
    await l.postForm(`/staff/reports/${ref}/cra/mark`, { _csrf: Client.csrf(p0.body), kind: 'severe-incident', awareAt: toLocalInput(new Date(Date.now() - 3_600_000), zone) });
    const p1 = await l.get(`/staff/reports/${ref}/cra`);
    const caseId = /\/cra\/([0-9a-f-]{36})\/drafts\/early-warning"/.exec(p1.body)?.[1];
    assert.ok(caseId, 'the draft form of the case');
    assert.match(p1.body, /Incident notification/);
    assert.match(p1.body, /Whether the incident is suspected of being caused by unlawful or malicious acts/);
    // Named before export.
    assert.match(p1.body, /Required by Art\. 14\(4\)\(a\) and not filled yet/);

    // An overlong field is refused; what was typed comes back.
    const bad = await l.postForm(`/staff/reports/${ref}/cra/${caseId}/drafts/early-warning`, { _csrf: Client.csrf(p1.body), product: 'Example Cloud 4.2', maliciousActs: 'y'.repeat(20_001) });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /At most 20000 characters/);
    assert.match(bad.body, /Example Cloud 4\.2<\/textarea>/);
    const saved = await l.postForm(`/staff/reports/${ref}/cra/${caseId}/drafts/early-warning`, { _csrf: Client.csrf(p1.body), product: 'Example Cloud 4.2', maliciousActs: 'Yes: <script>alert(1)</script>' });
    assert.equal(saved.statusCode, 303);

    // Exports: downloads with nosniff and a sandbox, complete now; the notification still incomplete.
    const json = await l.get(`/staff/reports/${ref}/cra/${caseId}/drafts/early-warning.json`);
    assert.equal(json.statusCode, 200);
    assert.match(String(json.headers['content-disposition']), /^attachment; filename="[A-Z]+-\d{4}-\d+-cra-incident-early-warning\.json"$/);
    assert.equal(json.headers['x-content-type-options'], 'nosniff');
    assert.match(String(json.headers['content-security-policy']), /sandbox/);
    const doc = JSON.parse(json.body);
    assert.equal(doc.complete, true);
    assert.equal(doc.fields.find((f: { key: string }) => f.key === 'maliciousActs').value, 'Yes: <script>alert(1)</script>');
    const md = await l.get(`/staff/reports/${ref}/cra/${caseId}/drafts/notification.md`);
    assert.match(String(md.headers['content-type']), /^text\/markdown/);
    assert.match(md.body, /\*\*INCOMPLETE: required fields not filled: General nature of the incident; Initial assessment of the incident/);
    assert.equal((await l.get(`/staff/reports/${ref}/cra/${caseId}/drafts/other.md`)).statusCode, 404);

    // A viewer can read and export but not draft or record; another program's member sees nothing.
    const v = await Client.signedIn(t.app, viewer);
    const vp = await v.get(`/staff/reports/${ref}/cra`);
    assert.equal(vp.statusCode, 200);
    assert.doesNotMatch(vp.body, /Save the draft|Record the submission/);
    assert.equal((await v.postForm(`/staff/reports/${ref}/cra/${caseId}/drafts/early-warning`, { _csrf: Client.csrf(vp.body), product: 'x' })).statusCode, 403);

    // Recording a submission stops that clock; the CSIRT's reference shows.
    const p2 = await l.get(`/staff/reports/${ref}/cra`);
    const sub = await l.postForm(`/staff/reports/${ref}/cra/${caseId}/submissions`, { _csrf: Client.csrf(p2.body), step: 'early-warning', submittedAt: toLocalInput(new Date(), zone), channel: 'single-reporting-platform', reference: 'CSIRT-IT-2026-7' });
    assert.equal(sub.statusCode, 303);
    const p3 = await l.get(`/staff/reports/${ref}/cra`);
    assert.match(p3.body, /reference <code>CSIRT-IT-2026-7<\/code>/);
    assert.match(p3.body, /submitted <time/);
    const future = await l.postForm(`/staff/reports/${ref}/cra/${caseId}/submissions`, { _csrf: Client.csrf(p3.body), step: 'notification', submittedAt: toLocalInput(new Date(Date.now() + 86_400_000), zone), channel: 'other', reference: 'later' });
    assert.equal(future.statusCode, 422);
    assert.match(future.body, /This moment is in the future/);
    assert.match(future.body, /value="later"/);

    // Correcting when the team became aware: a moment after the recorded submission is refused, with what was typed.
    const late = await l.postForm(`/staff/reports/${ref}/cra/${caseId}/aware`, { _csrf: Client.csrf(p3.body), awareAt: toLocalInput(new Date(Date.now() + 120_000), zone) });
    assert.equal(late.statusCode, 422);
    const earlier = await l.postForm(`/staff/reports/${ref}/cra/${caseId}/aware`, { _csrf: Client.csrf(p3.body), awareAt: toLocalInput(new Date(Date.now() - 5 * 3_600_000), zone) });
    assert.equal(earlier.statusCode, 303);
    assert.match((await l.get(earlier.headers.location as string)).body, /Corrected: every clock counts from the new moment/);
    // Informing users: recorded with when and how; the timeline says so.
    const inform = await l.postForm(`/staff/reports/${ref}/cra/inform-users`, { _csrf: Client.csrf(p3.body), informedAt: toLocalInput(new Date(), zone), how: 'Banner in the admin console' });
    assert.equal(inform.statusCode, 303);
    assert.match((await l.get(inform.headers.location as string)).body, /Users informed another way: <span><time/);
    const rp = await l.get(`/staff/reports/${ref}`);
    assert.match(rp.body, /recorded that users were informed .* \(Art\. 14\(8\)\): Banner in the admin console/);
    assert.match(rp.body, /recorded the CRA early warning as submitted/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toLocalInput } from '../../src/cra/local-moment.ts';
import { demo, makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken, otherProgram } from '../api/api-helpers.ts';
import { draftAdvisoryFromReport, loadStaffAdvisory, saveDraft } from '../../src/advisories/advisory-store.ts';
import { unseal } from '../../src/mail/seal.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { confirmSubscription } from '../../src/subscriptions/confirm-subscription.ts';
import { CONFIRM_TOKEN_PURPOSE, requestSubscription } from '../../src/subscriptions/request-subscription.ts';
import { testSecret } from '../helpers/factories.ts';

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

    // The API lists the submission: step, date, channel and the CSIRT's reference.
    const token = await makeApiToken(t.ctx.db, ['reports:read']);
    const api = await apiClient(t, token.token).get(`/api/v1/reports/${ref}`);
    assert.equal(api.status, 200);
    const apiCase = api.json.cra.find((x: { kind: string }) => x.kind === 'severe-incident');
    assert.equal(apiCase.submissions.length, 1);
    const s0 = apiCase.submissions[0];
    assert.equal(s0.step, 'early-warning');
    assert.equal(s0.channel, 'single-reporting-platform');
    assert.equal(s0.reference, 'CSIRT-IT-2026-7');
    assert.ok(Math.abs(new Date(s0.submittedAt).getTime() - Date.now()) < 5 * 60_000, 'the date recorded, to the minute');

    // A member of another program sees nothing of it: the screen, its forms and the exports are "not found".
    const other = await otherProgram(t.ctx.db);
    const stranger = { email: `stranger-${Date.now()}@example.com`, password: 'correct horse battery staple' };
    await createStaffUser(t.ctx.db, { email: stranger.email, displayName: 'Stranger', password: stranger.password, role: 'admin' }, [other.id]);
    const o = await Client.signedIn(t.app, stranger);
    const own = Client.csrf((await o.get('/staff/reports/due')).body);
    assert.equal((await o.get(`/staff/reports/${ref}/cra`)).statusCode, 404);
    assert.equal((await o.get(`/staff/reports/${ref}/cra/${caseId}/drafts/early-warning.json`)).statusCode, 404);
    assert.equal((await o.get(`/staff/reports/${ref}/cra/${caseId}/drafts/notification.md`)).statusCode, 404);
    for (const path of ['publish-advisory', 'early-notice', 'inform-users', `${caseId}/submissions`]) {
      const res = await o.postForm(`/staff/reports/${ref}/cra/${path}`, { _csrf: own, confirm: 'yes', informedAt: toLocalInput(new Date(), zone), how: 'x', step: 'notification', submittedAt: toLocalInput(new Date(), zone), channel: 'other' });
      assert.equal(res.statusCode, 404, path);
    }
    const oApi = await apiClient(t, (await makeApiToken(t.ctx.db, ['reports:read'], { programId: other.id })).token).get(`/api/v1/reports/${ref}`);
    assert.equal(oApi.status, 404);
  });

  it('informing users from the CRA screen (Art. 14(8)): an early notice to subscribers, then the advisory published, each in the timeline', async () => {
    const program = await demo(t.ctx.db);
    const zone = program.config.calendar.timeZone;
    // A confirmed subscriber of the product, through the real double opt-in.
    const email = `cra-${Date.now()}@customer.example`;
    await requestSubscription(t.ctx.db, t.ctx.vault, testSecret, { programId: program.id, request: { email, allProducts: false, products: ['example-cloud'] }, sendMail: true });
    const job = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'subscription-mail').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const p = job.payload as { subscriberId: string; sealedToken: string };
    await confirmSubscription(t.ctx.db, unseal(testSecret, CONFIRM_TOKEN_PURPOSE, p.subscriberId, Buffer.from(p.sealedToken, 'base64')).toString());
    const subscribers = Number((await t.ctx.db.selectFrom('subscribers').select((eb) => eb.fn.countAll().as('n')).where('program_id', '=', program.id).where('confirmed_at', 'is not', null).where((eb) => eb.or([eb('all_products', '=', true), eb(eb.val('example-cloud'), '=', eb.fn.any('products'))])).executeTakeFirstOrThrow()).n);
    assert.ok(subscribers >= 1);

    const report = await makeReport(t.ctx.db, { title: 'Exploited RCE in the gateway' });
    const ref = report.reference;
    const lead = await makeStaff(t.ctx.db, 'lead', 'Lia Lead');
    const l = await Client.signedIn(t.app, lead);
    const p0 = await l.get(`/staff/reports/${ref}/cra`);
    await l.postForm(`/staff/reports/${ref}/cra/mark`, { _csrf: Client.csrf(p0.body), kind: 'exploited-vulnerability', awareAt: toLocalInput(new Date(Date.now() - 3_600_000), zone) });

    // No advisory yet: the screen says so, and the early notice can be composed here, pre-filled.
    const p1 = await l.get(`/staff/reports/${ref}/cra`);
    assert.match(p1.body, /No advisory yet/);
    assert.match(p1.body, /action="\/staff\/reports\/[^"]+\/cra\/early-notice"/);
    assert.match(p1.body, /Send the early notice/);
    assert.match(p1.body, /None sent yet/);

    // Unconfirmed: refused, with what was typed.
    const notice = { _csrf: Client.csrf(p1.body), products: 'example-cloud', title: 'Remote code execution in Example Cloud', severity: 'Critical', summary: 'An attacker can run code on the server.', mitigation: 'Block port 8443 <b>now</b>.', expectedFixDate: '' };
    const unconfirmed = await l.postForm(`/staff/reports/${ref}/cra/early-notice`, notice);
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /Tick the box to confirm/);
    assert.match(unconfirmed.body, /Block port 8443 &lt;b>now&lt;\/b>\./);
    assert.equal((await t.ctx.db.selectFrom('early_notices').select('id').where('report_id', '=', report.id).execute()).length, 0);
    // A triager may not send it.
    const tr = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    const trPage = await tr.get(`/staff/reports/${ref}/cra`);
    assert.doesNotMatch(trPage.body, /Send the early notice|Publish the advisory/);
    assert.equal((await tr.postForm(`/staff/reports/${ref}/cra/early-notice`, { ...notice, _csrf: Client.csrf(trPage.body), confirm: 'yes' })).statusCode, 403);

    const jobsBefore = await t.ctx.db.selectFrom('jobs').select('id').where('kind', '=', 'mail-early-notice').execute();
    const sent = await l.postForm(`/staff/reports/${ref}/cra/early-notice`, { ...notice, confirm: 'yes' });
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, `/staff/reports/${ref}/cra?done=early-notice`);
    const jobsAfter = await t.ctx.db.selectFrom('jobs').select('id').where('kind', '=', 'mail-early-notice').execute();
    assert.equal(jobsAfter.length - jobsBefore.length, subscribers, 'one mail job per subscriber of the product');
    const p2 = await l.get(sent.headers.location as string);
    assert.match(p2.body, /Early notice sent/);
    assert.match(p2.body, new RegExp(`Early notices sent: <span><time datetime="[^"]+">[^<]+</time> to ${subscribers} subscriber`));

    // The advisory: drafted, then published from this screen.
    const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: ref, actorId: lead.id });
    const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    await saveDraft(t.ctx.db, t.ctx.vault, { id, content: { ...draft.content, summary: 'Remote code execution; update now.' } });
    assert.ok(draft.content.products.length > 0, 'the product comes from the report');
    const p3 = await l.get(`/staff/reports/${ref}/cra`);
    assert.match(p3.body, /The advisory is a draft/);
    assert.match(p3.body, /No disclosure date is agreed with the reporter/);
    // Without the confirmation and the "publish before the agreed date" choice: refused, nothing public.
    const unticked = await l.postForm(`/staff/reports/${ref}/cra/publish-advisory`, { _csrf: Client.csrf(p3.body) });
    assert.equal(unticked.statusCode, 422);
    assert.match(unticked.body, /Confirm that the disclosure is agreed/);
    assert.match(unticked.body, /Tick “publish before the agreed date”/);
    assert.equal((await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!.state, 'draft');
    assert.equal((await tr.postForm(`/staff/reports/${ref}/cra/publish-advisory`, { _csrf: Client.csrf(trPage.body), confirm: 'yes', publishEarly: 'yes' })).statusCode, 403);

    const published = await l.postForm(`/staff/reports/${ref}/cra/publish-advisory`, { _csrf: Client.csrf(p3.body), confirm: 'yes', publishEarly: 'yes' });
    assert.equal(published.statusCode, 303);
    assert.equal(published.headers.location, `/staff/reports/${ref}/cra?done=published`);
    const adv = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    assert.equal(adv.state, 'published');
    // The subscriber notice is queued with the publication (fanned out to one mail per subscriber by the worker).
    const notify = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-subscribers').execute();
    assert.ok(notify.some((j) => (j.payload as { advisoryId?: string }).advisoryId === id), 'subscriber notice queued');
    const p4 = await l.get(published.headers.location as string);
    assert.match(p4.body, new RegExp(`Advisory <a href="/advisories/${adv.publicId}">${adv.publicId}</a> published <time datetime="${adv.publishedAt!.toISOString()}">[^<]+</time>; subscribers were notified\\.`));
    // Once public, no early notice any more; no second publication.
    assert.match(p4.body, /The advisory is published: subscribers were told by the advisory notice/);
    assert.doesNotMatch(p4.body, /Send the early notice|Publish the advisory/);
    assert.equal((await l.postForm(`/staff/reports/${ref}/cra/publish-advisory`, { _csrf: Client.csrf(p4.body), confirm: 'yes', publishEarly: 'yes' })).statusCode, 409);

    // The timeline records when users were informed, both ways.
    const rp = await l.get(`/staff/reports/${ref}`);
    assert.match(rp.body, new RegExp(`Lia Lead sent a TLP:AMBER early customer notice about example-cloud to ${subscribers} subscriber`));
    assert.match(rp.body, new RegExp(`Lia Lead published advisory ${adv.publicId}\\.`));
  });
  it('a lead records a severe incident nobody reported, from the Due view: a new report marked at once; a triager cannot', async () => {
    const program = await demo(t.ctx.db);
    const zone = program.config.calendar.timeZone;
    const lead = await makeStaff(t.ctx.db, 'lead', 'Ines Lead');
    const l = await Client.signedIn(t.app, lead);
    const due = await l.get('/staff/reports/due');
    assert.match(due.body, /href="\/staff\/cra\/incidents\/new"/);
    const form = await l.get('/staff/cra/incidents/new');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, new RegExp(`<option value="${program.id}:example-cloud"`));
    const fields = { _csrf: Client.csrf(form.body), product: `${program.id}:example-cloud`, title: 'Build <b>server</b> compromised', description: 'Signing keys may have leaked.', awareAt: toLocalInput(new Date(Date.now() - 2 * 3_600_000), zone) };
    // Refused input comes back as typed.
    const bad = await l.postForm('/staff/cra/incidents', { ...fields, awareAt: toLocalInput(new Date(Date.now() + 86_400_000), zone) });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /This moment is in the future/);
    assert.match(bad.body, /value="Build &lt;b>server&lt;\/b> compromised"/);
    const created = await l.postForm('/staff/cra/incidents', fields);
    assert.equal(created.statusCode, 303);
    const ref = /^\/staff\/reports\/([A-Z]+-\d{4}-\d+)\/cra\?done=incident$/.exec(String(created.headers.location))?.[1];
    assert.ok(ref, String(created.headers.location));
    const cra = await l.get(created.headers.location as string);
    assert.match(cra.body, /Recorded: a new report for the incident/);
    assert.match(cra.body, /<h2 id="cra-[0-9a-f-]+">Severe incident<\/h2>/);
    assert.match(cra.body, /Incident notification/);
    const rp = await l.get(`/staff/reports/${ref}`);
    assert.match(rp.body, /by the team \(an incident record, no reporter\)/);
    assert.match(rp.body, /Ines Lead recorded this report for an incident \(no reporter\)\./);
    assert.match(rp.body, /Ines Lead marked this report for EU CRA reporting/);
    const token = await makeApiToken(t.ctx.db, ['reports:read']);
    const api = await apiClient(t, token.token).get(`/api/v1/reports/${ref}`);
    assert.equal(api.json.channel, 'staff');
    assert.equal(api.json.cra[0].kind, 'severe-incident');

    const tr = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    assert.doesNotMatch((await tr.get('/staff/reports/due')).body, /incidents\/new/);
    assert.equal((await tr.get('/staff/cra/incidents/new')).statusCode, 403);
    const trCsrf = Client.csrf((await tr.get('/staff/reports/due')).body);
    assert.equal((await tr.postForm('/staff/cra/incidents', { ...fields, _csrf: trCsrf })).statusCode, 403);
  });
});

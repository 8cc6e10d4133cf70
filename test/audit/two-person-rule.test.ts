import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { ApprovalPendingError } from '../../src/approvals/second-person.ts';
import { AuditKeys } from '../../src/audit/audit-keys.ts';
import { verifyAuditChain } from '../../src/audit/verify-audit.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';
import { demo, makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('the two-person rule: web, bulk and API wait for a second lead or admin', () => {
  let t: TestApp;
  let admin: Client;
  let lead: Client;
  let triager: Client;
  let adminId: string;
  let triagerId: string;
  before(async () => {
    t = await startTestApp();
    const a = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
    const l = await makeStaff(t.ctx.db, 'lead', 'Lee Lead');
    const tr = await makeStaff(t.ctx.db, 'triager', 'Tess Triage');
    adminId = a.id;
    triagerId = tr.id;
    admin = await Client.signedIn(t.app, a);
    lead = await Client.signedIn(t.app, l);
    triager = await Client.signedIn(t.app, tr);
  });
  after(async () => {
    await t.close();
  });

  const state = async (id: string) => (await t.ctx.db.selectFrom('reports').select(['state', 'closure_reason']).where('id', '=', id).executeTakeFirstOrThrow());
  const events = async (id: string) => (await t.ctx.db.selectFrom('report_events').select(['type', 'actor_id']).where('report_id', '=', id).orderBy('id').execute()).map((e) => e.type);
  const pending = () => t.ctx.db.selectFrom('approval_requests').select(['id', 'action', 'report_id', 'state']).where('state', '=', 'pending').execute();

  it('is off by default; only an admin turns it on (recorded in the audit log)', async () => {
    const r = await makeReport(t.ctx.db);
    const page = await triager.get(`/staff/reports/${r.reference}`);
    const closed = await triager.postForm(`/staff/reports/${r.reference}/close`, { _csrf: Client.csrf(page.body), closureReason: 'out-of-scope', note: '' });
    assert.equal(closed.statusCode, 303, 'no rule: closes at once');
    assert.equal((await state(r.id)).state, 'not-applicable');

    const program = await demo(t.ctx.db);
    const approvals = await lead.get('/staff/approvals');
    assert.equal(approvals.statusCode, 200);
    assert.doesNotMatch(approvals.body, /Turn on/, 'a lead sees the setting but cannot change it');
    assert.equal((await lead.postForm('/staff/approvals/settings', { _csrf: Client.csrf(approvals.body), programId: program.id, on: 'yes' })).statusCode, 403);
    const adminPage = await admin.get('/staff/approvals');
    assert.match(adminPage.body, /Turn on/);
    const on = await admin.postForm('/staff/approvals/settings', { _csrf: Client.csrf(adminPage.body), programId: program.id, on: 'yes' });
    assert.equal(on.statusCode, 303);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'details']).where('action', '=', 'program.two-person-rule').execute();
    assert.deepEqual(audit.map((a) => [a.actor_id, JSON.parse(a.details).on]), [[adminId, true]]);
  });

  it('web: closing as not applicable is requested, shown to the team, refused to the requester, approved by a lead', async () => {
    const r = await makeReport(t.ctx.db);
    const page = await triager.get(`/staff/reports/${r.reference}`);
    const asked = await triager.postForm(`/staff/reports/${r.reference}/close`, { _csrf: Client.csrf(page.body), closureReason: 'out-of-scope', note: 'Not our product, sorry.' });
    assert.equal(asked.statusCode, 409);
    assert.match(asked.body, /needs a second person(’|&#x27;|')s approval/);
    assert.equal((await state(r.id)).state, 'new', 'nothing happened yet');
    assert.deepEqual((await events(r.id)).slice(-1), ['approval-requested']);
    const [request] = (await pending()).filter((p) => p.report_id === r.id);
    assert.ok(request);

    // The team sees it; the requester may not decide their own request, nor may a triager decide another's.
    const list = await triager.get('/staff/approvals');
    assert.match(list.body, new RegExp(r.reference));
    assert.match(list.body, /Your request: someone else decides/);
    assert.equal((await triager.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf(list.body), decision: 'approve' })).statusCode, 403);
    assert.equal((await state(r.id)).state, 'new');

    const leadList = await lead.get('/staff/approvals');
    const approved = await lead.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf(leadList.body), decision: 'approve' });
    assert.equal(approved.statusCode, 303);
    const after = await state(r.id);
    assert.deepEqual(after, { state: 'not-applicable', closure_reason: 'out-of-scope' });
    assert.deepEqual((await events(r.id)).slice(-3), ['approval-requested', 'state-changed', 'approval-granted']);
    // The reporter is told with the requester's words, sealed until approved.
    const sealed = await t.ctx.db.selectFrom('approval_requests').select(['note_sealed', 'state', 'decided_by']).where('id', '=', request.id).executeTakeFirstOrThrow();
    assert.equal(sealed.state, 'approved');
    assert.doesNotMatch(sealed.note_sealed!.toString('latin1'), /Not our product/);
    const actions = (await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('report_id', '=', r.id).orderBy('audit_log.seq').execute()).map((a) => a.action);
    assert.ok(actions.includes('report.approval-requested') && actions.includes('report.approval-granted'), actions.join());
    // Decided once.
    assert.equal((await admin.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf((await admin.get('/staff/approvals')).body), decision: 'decline' })).statusCode, 409);
  });

  it('bulk: closing as spam or not applicable waits for approval; a decline changes nothing', async () => {
    const a = await makeReport(t.ctx.db);
    const b = await makeReport(t.ctx.db);
    const inbox = await triager.get('/staff/reports');
    const spam = await triager.postForm('/staff/reports/bulk', { _csrf: Client.csrf(inbox.body), action: 'spam', ids: a.id });
    assert.equal(spam.statusCode, 200);
    assert.match(spam.body, /needs a second person/);
    const na = await triager.postForm('/staff/reports/bulk', { _csrf: Client.csrf(inbox.body), action: 'state', to: 'not-applicable', ids: b.id });
    assert.match(na.body, /needs a second person/);
    assert.equal((await state(a.id)).state, 'new');
    assert.equal((await state(b.id)).state, 'new');
    const requests = await pending();
    const forA = requests.find((p) => p.report_id === a.id)!;
    assert.equal(forA.action, 'close-spam');
    assert.equal(requests.find((p) => p.report_id === b.id)!.action, 'close-not-applicable');

    const list = await admin.get('/staff/approvals');
    assert.equal((await admin.postForm(`/staff/approvals/${forA.id}`, { _csrf: Client.csrf(list.body), decision: 'decline' })).statusCode, 303);
    assert.equal((await state(a.id)).state, 'new');
    assert.deepEqual((await events(a.id)).slice(-1), ['approval-declined']);
    const forB = requests.find((p) => p.report_id === b.id)!;
    assert.equal((await admin.postForm(`/staff/approvals/${forB.id}`, { _csrf: Client.csrf(list.body), decision: 'approve' })).statusCode, 303);
    assert.equal((await state(b.id)).state, 'not-applicable');
  });

  it('API: a close answers 409 approval_pending and changes nothing until approved', async () => {
    const r = await makeReport(t.ctx.db);
    const token = await makeApiToken(t.ctx.db, ['reports:read', 'reports:write']);
    const api = apiClient(t, token.token);
    const spam = await api.post(`/api/v1/reports/${r.reference}/state`, { to: 'spam' });
    assert.equal(spam.status, 409, spam.body);
    assert.equal((spam.json as { error?: { code?: string } }).error?.code ?? (spam.json as { code?: string }).code, 'approval_pending');
    assert.match(spam.body, /approval/);
    const na = await api.post(`/api/v1/reports/${r.reference}/state`, { to: 'not-applicable', reason: 'Out of scope' });
    assert.equal(na.status, 409);
    assert.equal((await state(r.id)).state, 'new');
    assert.equal((await pending()).filter((p) => p.report_id === r.id).length, 1, 'one open request per report');
  });

  it('advisories: the first publication waits; the approver publishes exactly the draft asked for', async () => {
    const staffLead = await t.ctx.db.selectFrom('staff_users').select('id').where('display_name', '=', 'Lee Lead').executeTakeFirstOrThrow();
    const r = await makeReport(t.ctx.db);
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: r.id, to, actorId: triagerId });
    const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: r.reference, actorId: staffLead.id });
    const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    const content = { ...draft.content, title: 'Approved title' };
    await assert.rejects(publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: staffLead.id, content, revisionSummary: '', baseUrl: t.ctx.config.baseUrl }), ApprovalPendingError);
    assert.equal((await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!.state, 'draft');
    const [request] = (await pending()).filter((p) => p.action === 'publish-advisory');
    assert.ok(request);
    const list = await admin.get('/staff/approvals');
    assert.match(list.body, /Publishing an advisory/);
    assert.equal((await admin.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf(list.body), decision: 'approve' })).statusCode, 303);
    const published = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    assert.equal(published.state, 'published');
    assert.equal(published.content.title, 'Approved title');
    assert.equal((await state(r.id)).state, 'disclosed');

    const v = await verifyAuditChain(t.ctx.db, new AuditKeys(t.ctx.secret));
    assert.equal(v.ok, true, JSON.stringify(v.broken));
  });
  it('two approvers at once: the action runs once, the other is told it was decided', async () => {
    const staffLead = await t.ctx.db.selectFrom('staff_users').select('id').where('display_name', '=', 'Lee Lead').executeTakeFirstOrThrow();
    const secondLead = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'lead', 'Second Lead'));
    const r = await makeReport(t.ctx.db);
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: r.id, to, actorId: triagerId });
    const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: r.reference, actorId: staffLead.id });
    const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    await assert.rejects(publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: staffLead.id, content: draft.content, revisionSummary: '', baseUrl: t.ctx.config.baseUrl }), ApprovalPendingError);
    const request = (await t.ctx.db.selectFrom('approval_requests').select('id').where('advisory_id', '=', id).where('state', '=', 'pending').executeTakeFirstOrThrow());
    const [adminPage, leadPage] = [await admin.get('/staff/approvals'), await secondLead.get('/staff/approvals')];
    const answers = await Promise.all([
      admin.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf(adminPage.body), decision: 'approve' }),
      secondLead.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf(leadPage.body), decision: 'approve' }),
    ]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [303, 409], answers.map((a) => a.body.slice(0, 200)).join(' | '));
    const published = await t.ctx.db.selectFrom('report_events').select('type').where('report_id', '=', r.id).where('type', '=', 'advisory-published').execute();
    assert.equal(published.length, 1, 'published once');
    assert.equal((await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!.revisions.length, 1, 'one revision');
    const decided = await t.ctx.db.selectFrom('approval_requests').select(['state', 'decided_by']).where('id', '=', request.id).executeTakeFirstOrThrow();
    assert.equal(decided.state, 'approved');
  });
});

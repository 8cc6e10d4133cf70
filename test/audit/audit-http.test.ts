import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordAudit } from '../../src/audit/append-audit.ts';
import { AuditKeys } from '../../src/audit/audit-keys.ts';
import { verifyAuditChain } from '../../src/audit/verify-audit.ts';
import { runKeyCommand } from '../../src/keys/key-commands.ts';
import { publishPolicyVersion } from '../../src/policy/policy-versions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { setStaffRole } from '../../src/staff/accounts/set-role.ts';
import { disableSecondFactor } from '../../src/staff/second-factor/second-factors.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';
import { demo, makeStaff, moveReport, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('the audit log: what is recorded, the admin page, its exports', () => {
  let t: TestApp;
  let admin: Client;
  let triager: Client;
  let adminId: string;
  let triagerId: string;
  let reference: string;
  let reportId: string;
  before(async () => {
    t = await startTestApp();
    const a = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
    const tr = await makeStaff(t.ctx.db, 'triager', 'Tess Triage');
    adminId = a.id;
    triagerId = tr.id;
    const wrong = new Client(t.app);
    const csrf = Client.csrf((await wrong.get('/staff/login')).body);
    assert.equal((await wrong.postForm('/staff/login', { _csrf: csrf, email: tr.email, password: 'not the password at all' })).statusCode, 401);
    admin = await Client.signedIn(t.app, a);
    triager = await Client.signedIn(t.app, tr);
    const program = await demo(t.ctx.db);
    const files = [{ filename: 'poc.txt', contentType: 'text/plain', content: Buffer.from('proof') }];
    const s = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { reporterEmail: 'grace@example.org' }), files, channel: 'web' });
    reference = s.reference;
    reportId = s.id;
  });
  after(async () => {
    await t.close();
  });

  const entries = (where: { action?: string; actor?: string } = {}) => {
    let q = t.ctx.db.selectFrom('audit_log').selectAll().orderBy('audit_log.seq');
    if (where.action) q = q.where('action', '=', where.action);
    if (where.actor) q = q.where('actor_id', '=', where.actor);
    return q.execute();
  };

  it('records every kind of staff action and access, with ids only, and the chain verifies', async () => {
    // Reads: the report page, an attachment, the ticket export.
    const page = await triager.get(`/staff/reports/${reference}`);
    assert.equal(page.statusCode, 200);
    const attachment = await t.ctx.db.selectFrom('report_attachments').select('id').where('report_id', '=', reportId).executeTakeFirstOrThrow();
    assert.equal((await triager.get(`/staff/reports/${reference}/attachments/${attachment.id}`)).statusCode, 200);
    assert.equal((await triager.get(`/staff/reports/${reference}/ticket.md`)).statusCode, 200);
    // A change of state.
    await moveReport(t.ctx.db, t.ctx.vault, { reportId, to: 'acknowledged', actorId: triagerId });
    // The API: two reads, one token-use entry for the route in this minute; a download.
    const token = await makeApiToken(t.ctx.db, ['reports:read']);
    const api = apiClient(t, token.token);
    assert.equal((await api.get(`/api/v1/reports/${reference}`)).status, 200);
    assert.equal((await api.get(`/api/v1/reports/${reference}`)).status, 200);
    assert.equal((await api.get(`/api/v1/reports/${reference}/attachments/${attachment.id}`)).status, 200);
    // The reporter's data: export and erasure by an admin.
    assert.equal((await admin.get(`/staff/reports/${reference}/reporter-data.json`)).statusCode, 200);
    const adminPage = await admin.get(`/staff/reports/${reference}`);
    assert.equal((await admin.postForm(`/staff/reports/${reference}/erase-reporter`, { _csrf: Client.csrf(adminPage.body), confirm: 'yes' })).statusCode, 303);
    // Roles, policy, keys, second factor.
    const program = await demo(t.ctx.db);
    await setStaffRole(t.ctx.db, { actor: { kind: 'staff', userId: adminId, roles: new Map([[program.id, 'admin']]) } as never, userId: triagerId, programId: program.id, role: 'lead' });
    const sections = program.policy.sections;
    await publishPolicyVersion(t.ctx.db, { programId: program.id, sections: { ...sections, scope: 'Every product we sell, the mobile app too.' }, publishedBy: adminId, note: 'Scope' });
    assert.equal((await runKeyCommand({ db: t.ctx.db, secret: t.ctx.secret }, { command: 'key-generate', program: program.slug })).ok, true);
    await disableSecondFactor(t.ctx.db, triagerId);
    const leaving = await Client.signedIn(t.app, { email: (await t.ctx.db.selectFrom('staff_users').select('email').where('id', '=', adminId).executeTakeFirstOrThrow()).email, password: 'correct horse battery staple' });
    assert.equal((await leaving.postForm('/staff/logout', { _csrf: Client.csrf((await leaving.get('/staff/account')).body) })).statusCode, 303);

    const all = await entries();
    const kinds = new Set(all.map((e) => `${e.action}:${e.outcome}`));
    for (const expected of [
      'staff.created:ok',
      'sign-in:refused',
      'sign-in:ok',
      'report.viewed:ok',
      'attachment.downloaded:ok',
      'report.exported:ok',
      'report.state-changed:ok',
      'report.evaluation-sent:ok',
      'api-token.created:ok',
      'api-token.used:ok',
      'reporter-data.exported:ok',
      'report.reporter-data-erased:ok',
      'staff.role-changed:ok',
      'policy.published:ok',
      'key.generated:ok',
      'second-factor.removed:ok',
      'sign-out:ok',
    ]) {
      assert.ok(kinds.has(expected), `${expected} in ${[...kinds].join(', ')}`);
    }
    const apiViews = all.filter((e) => e.action === 'report.viewed' && e.actor_kind === 'api-token');
    assert.equal(apiViews.length, 2, 'each API read of a report is recorded');
    assert.equal(all.filter((e) => e.action === 'api-token.used' && e.target === 'GET /api/v1/reports/:reference').length, 1, 'token use: once per route and minute');
    const pageView = all.find((e) => e.action === 'report.viewed' && e.actor_id === triagerId)!;
    assert.equal(pageView.report_id, reportId);
    assert.deepEqual(JSON.parse(pageView.details), { via: 'page' });
    const failed = all.find((e) => e.action === 'sign-in' && e.outcome === 'refused')!;
    assert.match(failed.ip_hash ?? '', /^[0-9a-f]{32}$/);
    const dump = JSON.stringify(all);
    assert.doesNotMatch(dump, /grace@example\.org|@example\.com|127\.0\.0\.1|Account takeover|Stored XSS|proof/i, 'no address, IP or report text in the log');
    const v = await verifyAuditChain(t.ctx.db, new AuditKeys(t.ctx.secret));
    assert.equal(v.ok, true, JSON.stringify(v.broken));
  });

  it('lets admins browse and filter the log a page at a time; others get 403', async () => {
    for (let i = 0; i < 55; i++) await recordAudit(t.ctx.db, { actor: { kind: 'system' }, action: 'test.filler' });
    const first = await admin.get('/staff/audit');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /test\.filler/);
    const older = /href="(\/staff\/audit\?before=\d+)"/.exec(first.body.replace(/&amp;/g, '&'));
    assert.ok(older, 'an Older entries link');
    const second = await admin.get(older[1]!);
    assert.equal(second.statusCode, 200);
    assert.match(second.body, /report\.viewed/);

    const byActor = await admin.get(`/staff/audit?actor=${triagerId}`);
    assert.match(byActor.body, /Tess Triage/);
    assert.doesNotMatch(byActor.body, /test\.filler|Ada Admin<\/td>/);
    const byAction = await admin.get('/staff/audit?action=attachment.downloaded');
    assert.equal((byAction.body.match(/<code>attachment\.downloaded<\/code>/g) ?? []).length, 2);
    const byReport = await admin.get(`/staff/audit?report=${reference}`);
    assert.match(byReport.body, /report\.viewed/);
    assert.doesNotMatch(byReport.body, /<code>sign-in<\/code>/);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    assert.match((await admin.get(`/staff/audit?from=${tomorrow}`)).body, /No entries match/);
    const bad = await admin.get('/staff/audit?from=yesterday');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /value="yesterday"/);

    assert.equal((await triager.get('/staff/audit')).statusCode, 403);
    assert.equal((await triager.get('/staff/audit/export.csv')).statusCode, 403);
    assert.equal((await triager.get('/staff/audit/export.jsonl')).statusCode, 403);
  });

  it('exports what matches as CSV and JSON lines, and records the export', async () => {
    const csv = await admin.get(`/staff/audit/export.csv?report=${reference}`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="embargo-audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'seq,at,actor_kind,actor_id,action,outcome,report_id,report_reference,target,ip_hash,details,prev_hash,hash');
    const forReport = (await entries()).filter((e) => e.report_id === reportId);
    assert.equal(lines.length - 1, forReport.length);
    assert.ok(lines.slice(1).every((l) => l.includes(`"${reference}"`)));

    const jsonl = await admin.get('/staff/audit/export.jsonl?action=report.');
    assert.equal(jsonl.statusCode, 200);
    const rows = jsonl.body.trim().split('\n').map((l) => JSON.parse(l) as { action: string; hash: string; seq: string });
    assert.ok(rows.length > 0 && rows.every((r) => r.action.startsWith('report.') && /^[0-9a-f]{64}$/.test(r.hash)));
    assert.ok(Number(rows[0]!.seq) > Number(rows.at(-1)!.seq), 'newest first');

    const exports = await entries({ action: 'audit.exported', actor: adminId });
    assert.deepEqual(exports.map((e) => JSON.parse(e.details).format), ['csv', 'jsonl']);
    const v = await verifyAuditChain(t.ctx.db, new AuditKeys(t.ctx.secret));
    assert.equal(v.ok, true, JSON.stringify(v.broken));
  });
});

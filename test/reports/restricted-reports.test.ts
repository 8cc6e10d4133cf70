import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/api/tokens/api-tokens.ts';
import { loadProgram } from '../../src/programs/programs.ts';
import { findLikelyDuplicates } from '../../src/triage/find-likely-duplicates.ts';
import { createSession } from '../../src/staff/sessions.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import type { Role } from '../../src/db/schema.ts';
import { webhookPayload } from '../../src/webhooks/deliver-webhook.ts';
import { apiClient } from '../api/api-helpers.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { makeReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const SECRET_WORD = 'quokkaoverflow';

let seq = 0;
async function member(t: TestApp, role: Role, name: string) {
  const program = (await loadProgram(t.ctx.db, { slug: 'example' }))!;
  const u = await createStaffUser(t.ctx.db, { email: `restricted-${++seq}-${Date.now()}@example.com`, displayName: name, password: 'correct horse battery staple', role }, [program.id]);
  const c = new Client(t.app);
  const login = await c.get('/staff/login');
  c.cookies.set('embargo_session', await createSession(t.ctx.db, u.id));
  return { id: u.id, c, csrf: Client.csrf(login.body) };
}

for (const kind of await databaseKinds()) {
  describe(`restricted reports (${kind})`, () => {
    let t: TestApp;
    let admin: Awaited<ReturnType<typeof member>>;
    let lead: Awaited<ReturnType<typeof member>>;
    let triager: Awaited<ReturnType<typeof member>>;
    let viewer: Awaited<ReturnType<typeof member>>;
    let reportId: string;
    let ref: string;
    before(async () => {
      t = await startTestApp(kind);
      admin = await member(t, 'admin', 'Ada Admin');
      lead = await member(t, 'lead', 'Lee Lead');
      triager = await member(t, 'triager', 'Tri Ager');
      viewer = await member(t, 'viewer', 'Vi Ewer');
      const r = await makeReport(t.ctx.db, { title: `Remote code execution via ${SECRET_WORD}`, description: `The ${SECRET_WORD} endpoint runs any command.` });
      reportId = r.id;
      ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow()).reference;
    });
    after(async () => {
      await t?.close();
    });

    it('lets a lead restrict a report to named staff, and refuses a triager', async () => {
      const refused = await triager.c.postForm(`/staff/reports/${ref}/access`, { _csrf: triager.csrf, staff: triager.id });
      assert.equal(refused.statusCode, 403);
      const ok = await lead.c.postForm(`/staff/reports/${ref}/access`, { _csrf: lead.csrf, staff: triager.id, action: 'restrict' });
      assert.equal(ok.statusCode, 303);
      const row = await t.ctx.db.selectFrom('reports').select('restricted_to').where('id', '=', reportId).executeTakeFirstOrThrow();
      assert.deepEqual([...row.restricted_to!].sort(), [lead.id, triager.id].sort(), 'the lead stays named on a report they restrict');
      const event = await t.ctx.db.selectFrom('report_events').select(['type', 'actor_id']).where('report_id', '=', reportId).where('type', '=', 'access-restricted').executeTakeFirstOrThrow();
      assert.equal(event.actor_id, lead.id);
      const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('report_id', '=', reportId).where('action', '=', 'report.access-restricted').executeTakeFirstOrThrow();
      assert.equal(audit.actor_id, lead.id);
    });

    it('shows everyone else, the admin included, only that it exists: the page, the inbox, search, attachments', async () => {
      for (const who of [viewer, admin]) {
        const page = await who.c.get(`/staff/reports/${ref}`);
        assert.equal(page.statusCode, 403);
        assert.match(page.body, /restricted/);
        assert.match(page.body, /Lee Lead/);
        assert.match(page.body, /Tri Ager/);
        assert.doesNotMatch(page.body.toLowerCase(), new RegExp(SECRET_WORD));
        const inbox = await who.c.get('/staff/reports');
        assert.equal(inbox.statusCode, 200);
        assert.match(inbox.body, new RegExp(ref));
        assert.match(inbox.body, /badge-restricted/);
        assert.doesNotMatch(inbox.body.toLowerCase(), new RegExp(SECRET_WORD));
        const search = await who.c.get(`/staff/reports?state=all&q=${SECRET_WORD}`);
        assert.doesNotMatch(search.body, new RegExp(ref), 'a word of a restricted report finds nothing for whoever is not named');
        for (const path of ['ticket.md', 'cra', 'reporter-data.json']) {
          const res = await who.c.get(`/staff/reports/${ref}/${path}`);
          assert.ok([403, 404].includes(res.statusCode), `${path}: ${res.statusCode}`);
          assert.doesNotMatch(res.body.toLowerCase(), new RegExp(SECRET_WORD));
        }
      }
      // Named staff read it, and find it.
      const page = await triager.c.get(`/staff/reports/${ref}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body.toLowerCase(), new RegExp(SECRET_WORD));
      const search = await triager.c.get(`/staff/reports?state=all&q=${SECRET_WORD}`);
      assert.match(search.body, new RegExp(ref));
    });

    it('keeps bulk actions, the API, duplicate suggestions and webhooks to the same rule', async () => {
      const bulk = await viewer.c.postForm('/staff/reports/bulk', { _csrf: viewer.csrf, action: 'state', ids: reportId, to: 'acknowledged' });
      assert.doesNotMatch(bulk.body, new RegExp(`${ref}.*changed`));
      const adminBulk = await admin.c.postForm('/staff/reports/bulk', { _csrf: admin.csrf, action: 'state', ids: reportId, to: 'acknowledged' });
      assert.ok(adminBulk.statusCode < 500);
      assert.equal((await t.ctx.db.selectFrom('reports').select('state').where('id', '=', reportId).executeTakeFirstOrThrow()).state, 'new', 'a bulk action changes no restricted report of someone not named');

      const program = (await loadProgram(t.ctx.db, { slug: 'example' }))!;
      const { token } = await createApiToken(t.ctx.db, { programId: program.id, input: { name: 'restricted test', scopes: ['reports:read', 'reports:write'] }, createdBy: admin.id });
      const api = apiClient(t, token);
      const one = await api.get(`/api/v1/reports/${ref}`);
      assert.equal(one.status, 403);
      assert.equal(one.json.error.code, 'restricted');
      const list = await api.get('/api/v1/reports');
      const row = list.json.data.find((r: { reference: string }) => r.reference === ref);
      assert.equal(row.restricted, true);
      assert.doesNotMatch(list.body.toLowerCase(), new RegExp(SECRET_WORD));
      const search = await api.get(`/api/v1/reports?q=${SECRET_WORD}`);
      assert.equal(search.json.data.length, 0);

      const input = { programId: program.id, title: `Command injection through ${SECRET_WORD}`, description: `${SECRET_WORD} runs commands`, product: 'example-cloud' };
      assert.equal((await findLikelyDuplicates(t.ctx.db, t.ctx.vault, { ...input, readerId: viewer.id })).length, 0);
      assert.equal((await findLikelyDuplicates(t.ctx.db, t.ctx.vault, input)).length, 0, 'at submission no restricted report is suggested');
      assert.equal((await findLikelyDuplicates(t.ctx.db, t.ctx.vault, { ...input, readerId: triager.id }))[0]?.reportId, reportId);

      const payload = await webhookPayload(t.ctx, { report_id: reportId, program_id: program.id, include_contents: true, event: 'report.state-changed', event_id: null, dedupe_key: null, advisory_id: null, id: reportId, occurred_at: new Date() });
      assert.equal((payload.data.report as { restricted?: boolean }).restricted, true);
      assert.doesNotMatch(JSON.stringify(payload).toLowerCase(), new RegExp(SECRET_WORD));
    });

    it('lets an admin add themselves only with a reason, recorded in the timeline and the audit log', async () => {
      const viewerTry = await viewer.c.postForm(`/staff/reports/${ref}/access/self`, { _csrf: viewer.csrf, reason: 'I would like to read it please' });
      assert.equal(viewerTry.statusCode, 403);
      const page = await admin.c.get(`/staff/reports/${ref}`);
      assert.match(page.body, /Add me and record the reason/);
      const empty = await admin.c.postForm(`/staff/reports/${ref}/access/self`, { _csrf: admin.csrf, reason: '' });
      assert.equal(empty.statusCode, 422);
      const ok = await admin.c.postForm(`/staff/reports/${ref}/access/self`, { _csrf: admin.csrf, reason: 'Legal hold requested by counsel, ticket LEG-42' });
      assert.equal(ok.statusCode, 303);
      const now = await admin.c.get(`/staff/reports/${ref}`);
      assert.equal(now.statusCode, 200);
      assert.match(now.body, /Legal hold requested by counsel/, 'the reason is in the timeline');
      const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'details']).where('report_id', '=', reportId).where('action', '=', 'report.access-self-granted').executeTakeFirstOrThrow();
      assert.equal(audit.actor_id, admin.id);
      assert.doesNotMatch(JSON.stringify(audit.details), /Legal hold/, 'the reason (words) stays out of the audit log, sealed in the timeline');
    });

    it('records lifting the restriction, and then every member reads the report', async () => {
      const lift = await lead.c.postForm(`/staff/reports/${ref}/access`, { _csrf: lead.csrf, action: 'lift' });
      assert.equal(lift.statusCode, 303);
      assert.equal((await t.ctx.db.selectFrom('reports').select('restricted_to').where('id', '=', reportId).executeTakeFirstOrThrow()).restricted_to, null);
      assert.ok(await t.ctx.db.selectFrom('audit_log').select('seq').where('report_id', '=', reportId).where('action', '=', 'report.access-lifted').executeTakeFirst());
      assert.equal((await viewer.c.get(`/staff/reports/${ref}`)).statusCode, 200);
    });
  });
}

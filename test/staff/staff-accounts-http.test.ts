import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { dumpDatabase } from '../helpers/db-dump.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of await databaseKinds()) {
  describe(`staff accounts managed in the product (${kind})`, () => {
    let t: TestApp;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let mailCtx: AppContext;
    let worker: Worker;
    let admin: { id: string; email: string; password: string };
    let adminClient: Client;
    let programId: string;

    /** The one link of `path` in the newest mail to `to`, after the queue ran. */
    async function linkMailedTo(to: string, path: string): Promise<string> {
      await worker.drain();
      // Account mail only: members also hear of new reports (src/team-notices/).
      const mail = sink.mails.filter((m) => m.to.includes(to) && !m.raw.replace(/=\r\n/g, '').includes('Choose what you hear about')).at(-1);
      assert.ok(mail, `a mail to ${to}`);
      const text = (await simpleParser(mail.raw)).text ?? '';
      const m = new RegExp(`https?://[^\\s/]+(${path}/[A-Za-z0-9_-]{43})`).exec(text);
      assert.ok(m, `a ${path} link in: ${text}`);
      return m[1]!;
    }

    async function post(client: Client, page: string, url: string, fields: Record<string, string> = {}) {
      const csrf = Client.csrf((await client.get(page)).body);
      return client.postForm(url, { _csrf: csrf, ...fields });
    }

    const memberId = async (email: string) => (await t.ctx.db.selectFrom('staff_users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const signsIn = async (email: string, password: string) => {
      const c = new Client(t.app);
      const csrf = Client.csrf((await c.get('/staff/login')).body);
      return (await c.postForm('/staff/login', { _csrf: csrf, email, password })).statusCode === 303;
    };

    before(async () => {
      sink = await startSmtpSink();
      t = await startTestApp(kind);
      mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'security@example.com') };
      worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(mailCtx), logger: t.ctx.logger });
      admin = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
      adminClient = await Client.signedIn(t.app, admin);
      programId = (await t.ctx.db.selectFrom('programs').select('id').where('slug', '=', 'example').executeTakeFirstOrThrow()).id;
    });
    after(async () => {
      mailCtx?.mailer?.close();
      await sink?.close();
      await t?.close();
    });

    it('only admins see the team page; it names every member with their role per program', async () => {
      const triager = await makeStaff(t.ctx.db, 'triager', 'Tess Triager');
      const page = await adminClient.get('/staff/team');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Ada Admin/);
      assert.match(page.body, /Tess Triager/);
      assert.match(page.body, /triager/);
      assert.ok(!page.body.includes('<script'), 'works without JavaScript');
      const asTriager = await Client.signedIn(t.app, triager);
      assert.equal((await asTriager.get('/staff/team')).statusCode, 403);
      assert.equal((await asTriager.postForm('/staff/team/invite', { _csrf: Client.csrf((await asTriager.get('/staff/reports')).body), email: 'x@example.com', displayName: 'X', role: 'admin', programs: programId })).statusCode, 403);
      // The API token's own account is no member of the team.
      await makeApiToken(t.ctx.db);
      assert.doesNotMatch((await adminClient.get('/staff/team')).body, /API: test token/);
    });

    it('invites by mail: the link is one-time and stored hashed; accepting sets the password and signs in', async () => {
      const bad = await post(adminClient, '/staff/team', '/staff/team/invite', { email: 'not-an-address', displayName: 'Ivy Invitee', role: 'triager', programs: programId });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Give a valid e-mail address/);
      assert.match(bad.body, /value="Ivy Invitee"/, 'what was typed is kept');
      assert.match(bad.body, /value="not-an-address"/);

      const res = await post(adminClient, '/staff/team', '/staff/team/invite', { email: 'ivy@example.com', displayName: 'Ivy Invitee', role: 'triager', programs: programId });
      assert.equal(res.statusCode, 303);
      // The mail waits in the durable queue (the outbox), written with the invitation.
      const queued = await t.ctx.db.selectFrom('jobs').select(['kind', 'state']).where('kind', '=', 'staff-account-mail').execute();
      assert.deepEqual(queued.map((j) => j.state), ['pending']);
      assert.equal(await signsIn('ivy@example.com', ''), false);

      const path = await linkMailedTo('ivy@example.com', '/staff/invitation');
      const token = path.split('/').at(-1)!;
      const dump = await dumpDatabase(t.ctx.db);
      assert.ok(!dump.includes(token), 'the token is stored nowhere in clear (hashed link, scrubbed job payload)');
      assert.ok(!t.logText().includes(token), 'nor logged');

      const invitee = new Client(t.app);
      const form = await invitee.get(path);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /value="Ivy Invitee"/);
      const short = await invitee.postForm(path, { _csrf: Client.csrf(form.body), displayName: 'Ivy I.', password: 'short' });
      assert.equal(short.statusCode, 422);
      assert.match(short.body, /at least 12 characters/);
      assert.match(short.body, /value="Ivy I."/);
      const accepted = await invitee.postForm(path, { _csrf: Client.csrf(short.body), displayName: 'Ivy I.', password: PASSWORD });
      assert.equal(accepted.statusCode, 303);
      assert.equal((await invitee.get('/staff/reports')).statusCode, 200, 'signed in by accepting');

      const again = await new Client(t.app).get(path);
      assert.equal(again.statusCode, 404);
      assert.match(again.body, /no longer valid/);
      assert.ok(await signsIn('ivy@example.com', PASSWORD));
      const team = (await adminClient.get('/staff/team')).body;
      assert.match(team, /Ivy I\./);
      assert.match(team, /accepted the invitation/);
    });

    it('inviting again voids the earlier link; a cancelled invitation’s link is refused; a taken address is a field error', async () => {
      const invite = () => post(adminClient, '/staff/team', '/staff/team/invite', { email: 'vic@example.com', displayName: 'Vic', role: 'viewer', programs: programId });
      assert.equal((await invite()).statusCode, 303);
      const first = await linkMailedTo('vic@example.com', '/staff/invitation');
      assert.equal((await invite()).statusCode, 303);
      const second = await linkMailedTo('vic@example.com', '/staff/invitation');
      assert.notEqual(first, second);
      assert.equal((await new Client(t.app).get(first)).statusCode, 404);
      assert.equal((await new Client(t.app).get(second)).statusCode, 200);
      assert.match((await adminClient.get('/staff/team')).body, /Vic<\/td><td>vic@example\.com<\/td><td>Invited/);

      assert.equal((await post(adminClient, '/staff/team', `/staff/team/${await memberId('vic@example.com')}/deactivate`)).statusCode, 303);
      assert.equal((await new Client(t.app).get(second)).statusCode, 404, 'a cancelled invitation cannot be accepted');

      const taken = await post(adminClient, '/staff/team', '/staff/team/invite', { email: admin.email.toUpperCase(), displayName: 'Copy', role: 'viewer', programs: programId });
      assert.equal(taken.statusCode, 422);
      assert.match(taken.body, /An account with this e-mail already exists/);
      const noProgram = await post(adminClient, '/staff/team', '/staff/team/invite', { email: 'w@example.com', displayName: 'W', role: 'viewer' });
      assert.equal(noProgram.statusCode, 422);
      assert.match(noProgram.body, /Choose at least one program/);
    });

    it('a role change takes effect on the next request', async () => {
      const member = await makeStaff(t.ctx.db, 'triager', 'Rolf Role');
      const c = await Client.signedIn(t.app, member);
      assert.equal((await c.get('/staff/subscribers')).statusCode, 404);
      const res = await post(adminClient, '/staff/team', `/staff/team/${member.id}/role`, { program: programId, role: 'lead' });
      assert.equal(res.statusCode, 303);
      assert.equal((await c.get('/staff/subscribers')).statusCode, 200);
      assert.match((await adminClient.get('/staff/team')).body, /Rolf Role[\s\S]*from triager to lead/);
    });

    it('deactivation stops sessions and API tokens at once; reactivation restores the account; the name stays in the history', async () => {
      const other = await makeStaff(t.ctx.db, 'admin', 'Otto Other');
      const session = await Client.signedIn(t.app, other);
      const { createApiToken } = await import('../../src/api/tokens/api-tokens.ts');
      const { token } = await createApiToken(t.ctx.db, { programId, input: { name: 'Otto bridge', scopes: ['reports:read'] }, createdBy: other.id });
      assert.equal((await apiClient(t, token).get('/api/v1/reports')).status, 200);
      const report = await makeReport(t.ctx.db, {}, t.ctx.vault);
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: other.id, visibility: 'internal', body: 'Reproduced on 4.2.1.', files: [] });

      const res = await post(adminClient, '/staff/team', `/staff/team/${other.id}/deactivate`);
      assert.equal(res.statusCode, 303);
      const refused = await session.get('/staff/reports');
      assert.equal(refused.statusCode, 303);
      assert.match(String(refused.headers.location), /^\/staff\/login/);
      const answer = await apiClient(t, token).get('/api/v1/reports');
      assert.equal(answer.status, 401);
      assert.match(answer.body, /account that created this API token is deactivated/);
      assert.match((await adminClient.get('/staff/api-tokens')).body, /Refused: Otto Other’s account is deactivated/);
      assert.equal(await signsIn(other.email, other.password), false);
      const team = (await adminClient.get('/staff/team')).body;
      assert.match(team, /Otto Other[\s\S]*deactivated/i);
      const timeline = await adminClient.get(`/staff/reports/${report.reference}`);
      assert.equal(timeline.statusCode, 200);
      assert.match(timeline.body, /Otto Other/, 'the timeline still names them');

      assert.equal((await post(adminClient, '/staff/team', `/staff/team/${other.id}/reactivate`)).statusCode, 303);
      assert.ok(await signsIn(other.email, other.password));
      assert.equal((await apiClient(t, token).get('/api/v1/reports')).status, 200);
      assert.match((await adminClient.get('/staff/team')).body, /Ada Admin reactivated Otto Other/);
    });

    it('the last admin of a program can neither deactivate nor demote themselves', async () => {
      // Every other admin of the program is deactivated first.
      const admins = await t.ctx.db
        .selectFrom('memberships as m')
        .innerJoin('staff_users as u', 'u.id', 'm.user_id')
        .select('u.id')
        .where('m.role', '=', 'admin')
        .where('u.disabled_at', 'is', null)
        .where('u.id', '!=', admin.id)
        .execute();
      for (const a of admins) assert.equal((await post(adminClient, '/staff/team', `/staff/team/${a.id}/deactivate`)).statusCode, 303);
      const deactivate = await post(adminClient, '/staff/team', `/staff/team/${admin.id}/deactivate`);
      assert.equal(deactivate.statusCode, 409);
      assert.match(deactivate.body, /last active admin of Example/);
      const demote = await post(adminClient, '/staff/team', `/staff/team/${admin.id}/role`, { program: programId, role: 'triager' });
      assert.equal(demote.statusCode, 409);
      assert.match(demote.body, /last active admin of Example/);
      assert.equal((await adminClient.get('/staff/team')).statusCode, 200, 'still an admin');
      for (const a of admins) await post(adminClient, '/staff/team', `/staff/team/${a.id}/reactivate`);
    });

    it('changing one’s own password needs the current one and ends the other sessions; the name changes too', async () => {
      const me = await makeStaff(t.ctx.db, 'viewer', 'Pat Password');
      const here = await Client.signedIn(t.app, me);
      const elsewhere = await Client.signedIn(t.app, me);
      const wrong = await post(here, '/staff/account', '/staff/account/password', { currentPassword: 'not my password at all', newPassword: 'a brand new long password' });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /current password is not right/);
      const ok = await post(here, '/staff/account', '/staff/account/password', { currentPassword: me.password, newPassword: 'a brand new long password' });
      assert.equal(ok.statusCode, 303);
      assert.equal((await here.get('/staff/reports')).statusCode, 200, 'this session goes on');
      assert.equal((await elsewhere.get('/staff/reports')).statusCode, 303, 'the others end');
      assert.ok(await signsIn(me.email, 'a brand new long password'));
      assert.equal(await signsIn(me.email, me.password), false);

      const blank = await post(here, '/staff/account', '/staff/account/name', { displayName: '  ' });
      assert.equal(blank.statusCode, 422);
      assert.match(blank.body, /Give a display name/);
      assert.equal((await post(here, '/staff/account', '/staff/account/name', { displayName: 'Pat P.' })).statusCode, 303);
      assert.match((await here.get('/staff/account')).body, /value="Pat P."/);
    });

    it('an admin sends a reset link: one-time, expiring, and using it ends the account’s sessions', async () => {
      const member = await makeStaff(t.ctx.db, 'triager', 'Rita Reset');
      const session = await Client.signedIn(t.app, member);
      assert.equal((await post(adminClient, '/staff/team', `/staff/team/${member.id}/password-reset`)).statusCode, 303);
      const path = await linkMailedTo(member.email, '/staff/password-reset');
      assert.equal((await session.get('/staff/reports')).statusCode, 200, 'sending the link changes nothing yet');

      const c = new Client(t.app);
      const form = await c.get(path);
      assert.equal(form.statusCode, 200);
      const used = await c.postForm(path, { _csrf: Client.csrf(form.body), password: 'rita new long password' });
      assert.equal(used.statusCode, 303);
      assert.match((await c.get(String(used.headers.location))).body, /Your new password is set/);
      assert.equal((await session.get('/staff/reports')).statusCode, 303, 'her sessions ended');
      assert.ok(await signsIn(member.email, 'rita new long password'));
      assert.equal((await c.get(path)).statusCode, 404, 'one-time');

      // An expired link is refused.
      assert.equal((await post(adminClient, '/staff/team', `/staff/team/${member.id}/password-reset`)).statusCode, 303);
      const late = await linkMailedTo(member.email, '/staff/password-reset');
      await sql`UPDATE staff_account_links SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`.execute(t.ctx.db);
      const expired = new Client(t.app);
      assert.equal((await expired.get(late)).statusCode, 404);
      const posted = await expired.postForm(late, { _csrf: Client.csrf((await expired.get('/staff/login')).body), password: 'yet another long password' });
      assert.equal(posted.statusCode, 404);
      assert.ok(await signsIn(member.email, 'rita new long password'));
      assert.ok(await memberId(member.email));
    });
  });
}

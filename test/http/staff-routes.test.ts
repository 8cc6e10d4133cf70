import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueSetupToken } from '../../src/staff/setup-token.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const signIn = (t: TestApp, user: { email: string; password: string }) => Client.signedIn(t.app, user);

describe('staff routes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('creates the first admin through the one-time setup link, once', async () => {
    const token = await issueSetupToken(t.ctx.db);
    const c = new Client(t.app);
    const page = await c.get(`/staff/setup/${token}`);
    assert.equal(page.statusCode, 200);
    const csrf = Client.csrf(page.body);
    const weak = await c.postForm(`/staff/setup/${token}`, { _csrf: csrf, email: 'lead@example.com', displayName: 'Lead', password: 'short' });
    assert.equal(weak.statusCode, 422);
    assert.match(weak.body, /at least 12 characters/);
    assert.match(weak.body, /value="lead@example.com"/);
    const ok = await c.postForm(`/staff/setup/${token}`, { _csrf: csrf, email: 'lead@example.com', displayName: 'Lead', password: 'a long enough passphrase' });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/staff/reports');
    assert.equal((await c.get('/staff/reports')).statusCode, 200);
    assert.equal((await new Client(t.app).get(`/staff/setup/${token}`)).statusCode, 404);
    // once staff exists, even a fresh link is refused
    assert.equal((await new Client(t.app).get(`/staff/setup/${await issueSetupToken(t.ctx.db)}`)).statusCode, 404);
  });

  it('sends anonymous visitors of every staff page to sign in, and refuses their posts', async () => {
    const s = await makeReport(t.ctx.db);
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', s.id).executeTakeFirstOrThrow()).reference;
    const c = new Client(t.app);
    for (const url of ['/staff', '/staff/reports', `/staff/reports/${ref}`, `/staff/reports/${ref}/attachments/00000000-0000-0000-0000-000000000000`]) {
      const res = await c.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.match(String(res.headers.location), /^\/staff\/login\?next=/);
    }
    for (const url of [`/staff/reports/${ref}/state`, `/staff/reports/${ref}/assign`]) {
      const res = await c.postForm(url, { to: 'acknowledged' });
      assert.equal(res.statusCode, 303, url);
    }
    const multipart = await c.postMultipart(`/staff/reports/${ref}/messages`, { body: 'x' });
    assert.equal(multipart.statusCode, 303);
    const report = await t.ctx.db.selectFrom('reports').select('state').where('id', '=', s.id).executeTakeFirstOrThrow();
    assert.equal(report.state, 'new');
  });

  it('refuses wrong passwords without saying which part was wrong, and rate-limits guessing', async () => {
    const user = await makeStaff(t.ctx.db, 'triager');
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/staff/login')).body);
    assert.equal((await c.postForm('/staff/login', { email: user.email, password: user.password })).statusCode, 403, 'no CSRF token');
    const wrong = await c.postForm('/staff/login', { _csrf: csrf, email: user.email, password: 'wrong password!' });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /The e-mail or password is not right/);
    const unknown = await c.postForm('/staff/login', { _csrf: csrf, email: 'nobody@example.com', password: 'wrong password!' });
    assert.equal(unknown.statusCode, 401);
    let status = 0;
    for (let i = 0; i < 10; i++) status = (await c.postForm('/staff/login', { _csrf: csrf, email: user.email, password: 'guess ' + i })).statusCode;
    assert.equal(status, 429);
    // the right password is refused too while the account is throttled
    assert.equal((await c.postForm('/staff/login', { _csrf: csrf, email: user.email, password: user.password })).statusCode, 429);
  });

  it('does not redirect anywhere but staff pages after sign-in', async () => {
    const user = await makeStaff(t.ctx.db, 'triager');
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/staff/login')).body);
    const res = await c.postForm('/staff/login', { _csrf: csrf, email: user.email, password: user.password, next: '//evil.example/staff/x' });
    assert.equal(res.headers.location, '/staff/reports');
    const cookie = res.cookies.find((k) => k.name === 'embargo_session');
    assert.ok(cookie?.httpOnly);
    assert.equal(cookie?.sameSite, 'Strict');
  });

  it('lets a triager work a report: status, assignment, note and reply, each CSRF-protected', async () => {
    const user = await makeStaff(t.ctx.db, 'triager', 'Tria Ger');
    const s = await makeReport(t.ctx.db, { title: 'Path traversal in export' });
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', s.id).executeTakeFirstOrThrow()).reference;
    const c = await signIn(t, user);
    const inbox = await c.get('/staff/reports?q=traversal');
    assert.equal(inbox.statusCode, 200);
    assert.equal(inbox.headers['cache-control'], 'no-store');
    assert.match(inbox.body, new RegExp(ref));
    const page = await c.get(`/staff/reports/${ref}`);
    assert.equal(page.statusCode, 200);
    const csrf = Client.csrf(page.body);

    assert.equal((await c.postForm(`/staff/reports/${ref}/state`, { to: 'acknowledged' })).statusCode, 403);
    const bad = await c.postForm(`/staff/reports/${ref}/state`, { _csrf: csrf, to: 'disclosed' });
    assert.equal(bad.statusCode, 409);
    assert.match(bad.body, /cannot become disclosed/);
    const junk = await c.postForm(`/staff/reports/${ref}/state`, { _csrf: csrf, to: 'teleported' });
    assert.equal(junk.statusCode, 422);
    const ok = await c.postForm(`/staff/reports/${ref}/state`, { _csrf: csrf, to: 'needs-info', reason: 'Which version?' });
    assert.equal(ok.statusCode, 303);

    assert.equal((await c.postForm(`/staff/reports/${ref}/assign`, { _csrf: csrf, assignee: 'not-a-uuid' })).statusCode, 422);
    assert.equal((await c.postForm(`/staff/reports/${ref}/assign`, { _csrf: csrf, assignee: user.id })).statusCode, 303);

    assert.equal((await c.postMultipart(`/staff/reports/${ref}/messages`, { visibility: 'internal', body: 'note' })).statusCode, 403);
    const emptyNote = await c.postMultipart(`/staff/reports/${ref}/messages`, { _csrf: csrf, visibility: 'internal', body: '' });
    assert.equal(emptyNote.statusCode, 422);
    assert.equal((await c.postMultipart(`/staff/reports/${ref}/messages`, { _csrf: csrf, visibility: 'internal', body: 'INTERNAL-ONLY note' })).statusCode, 303);
    assert.equal((await c.postMultipart(`/staff/reports/${ref}/messages`, { _csrf: csrf, visibility: 'reporter', body: 'We reproduced it.' })).statusCode, 303);

    const after = await c.get(`/staff/reports/${ref}?done=reply`);
    assert.match(after.body, /Reply sent to the reporter/);
    assert.match(after.body, /INTERNAL-ONLY note/);
    assert.match(after.body, /Tria Ger/);

    const track = await new Client(t.app).get(`/track/${s.trackingToken}`);
    assert.match(track.body, /Waiting for reporter/);
    assert.match(track.body, /We reproduced it\./);
    assert.match(track.body, /Reason: Which version\?/);
    assert.doesNotMatch(track.body, /INTERNAL-ONLY/);
    assert.doesNotMatch(track.body, /Tria Ger/);
  });

  it('lets a viewer read but not change, and hides reports from staff without a role (404)', async () => {
    const viewer = await makeStaff(t.ctx.db, 'viewer');
    const s = await makeReport(t.ctx.db);
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', s.id).executeTakeFirstOrThrow()).reference;
    const v = await signIn(t, viewer);
    const page = await v.get(`/staff/reports/${ref}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Change status/);
    const csrf = Client.csrf(page.body);
    assert.equal((await v.postForm(`/staff/reports/${ref}/state`, { _csrf: csrf, to: 'acknowledged' })).statusCode, 403);

    const outsider = await makeStaff(t.ctx.db, 'admin');
    await t.ctx.db.deleteFrom('memberships').where('user_id', '=', outsider.id).execute();
    const o = await signIn(t, outsider);
    assert.equal((await o.get(`/staff/reports/${ref}`)).statusCode, 404);
    assert.equal((await o.get('/staff/reports/EMB-1999-9999')).statusCode, 404);
    const inbox = await o.get('/staff/reports?state=all');
    assert.doesNotMatch(inbox.body, new RegExp(ref));
  });

  it('signs out with CSRF protection and ends the session server-side', async () => {
    const user = await makeStaff(t.ctx.db, 'triager');
    const c = await signIn(t, user);
    const session = c.cookies.get('embargo_session')!;
    const csrf = Client.csrf((await c.get('/staff/reports')).body);
    assert.equal((await c.postForm('/staff/logout', {})).statusCode, 403);
    assert.equal((await c.postForm('/staff/logout', { _csrf: csrf })).statusCode, 303);
    const replay = new Client(t.app);
    replay.cookies.set('embargo_session', session);
    assert.equal((await replay.get('/staff/reports')).statusCode, 303);
  });
});

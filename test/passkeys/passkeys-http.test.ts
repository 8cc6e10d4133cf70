/** Passkey routes at the HTTP level (the ceremonies themselves run in Chromium: test/browser/passkeys.test.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { makeStaff } from '../helpers/factories.ts';
import { createSession } from '../../src/staff/sessions.ts';

describe('passkey routes over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('the sign-in page works without JavaScript: the passkey form is hidden and its script is an external file', async () => {
    const page = await new Client(t.app).get('/staff/login');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="post" action="\/staff\/login\/passkey" data-passkey="assert" data-options="\/staff\/login\/passkey\/options" hidden/);
    assert.match(page.body, /<script type="module" src="\/static\/js\/passkeys\.[0-9a-f]{12}\.js"><\/script>/);
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const script = /src="(\/static\/js\/passkeys\.[0-9a-f]{12}\.js)"/.exec(page.body)![1]!;
    const js = await t.app.inject({ method: 'GET', url: script });
    assert.equal(js.statusCode, 200);
    assert.match(js.headers['content-type'] as string, /javascript/);
  });

  it('asks for options only with a CSRF token, and the account routes only when signed in', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/staff/login/passkey/options', payload: {} });
    assert.equal(anonymous.statusCode, 403);
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/staff/login')).body);
    const options = await t.app.inject({
      method: 'POST',
      url: '/staff/login/passkey/options',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(options.statusCode, 200);
    const json = options.json() as { challenge: string; rpId: string; userVerification: string; allowCredentials?: unknown[] };
    assert.equal(json.rpId, 'localhost');
    assert.equal(json.userVerification, 'required');
    assert.ok(json.challenge.length >= 32);
    assert.deepEqual(json.allowCredentials ?? [], [], 'a password-less sign-in names no account');
    assert.equal((await new Client(t.app).postForm('/staff/account/passkeys/options', { _csrf: csrf })).statusCode, 303);
  });

  it('refuses an answer without its challenge cookie, and a second step without a pending sign-in', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/staff/login')).body);
    const res = await c.postForm('/staff/login/passkey', { _csrf: csrf, credential: '{"id":"abc","response":{}}' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /expired or was already used/);
    const refusals = await t.ctx.db.selectFrom('audit_log').select(['details']).where('action', '=', 'sign-in').where('outcome', '=', 'refused').execute();
    assert.ok(refusals.some((r) => JSON.parse(r.details).reason === 'passkey-refused'), 'the refused passkey sign-in is in the audit log');
    const second = await c.postForm('/staff/login/second-factor/passkey', { _csrf: csrf, credential: '{}' });
    assert.equal(second.statusCode, 303);
    assert.equal(second.headers.location, '/staff/login');
  });

  it("cannot remove another account's passkey, even with the right password", async () => {
    const owner = await makeStaff(t.ctx.db, 'triager', 'Owner');
    const other = await makeStaff(t.ctx.db, 'admin', 'Other');
    const row = await t.ctx.db
      .insertInto('staff_passkeys')
      .values({ user_id: owner.id, credential_id: 'cred-owner', public_key: Buffer.from('00', 'hex'), counter: 0, device_type: 'singleDevice', backed_up: false, name: 'Owner key' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const c = await Client.signedIn(t.app, other);
    const account = await c.get('/staff/account');
    assert.match(account.body, /No passkeys yet\./);
    const res = await c.postForm(`/staff/account/passkeys/${row.id}/remove`, { _csrf: Client.csrf(account.body), password: other.password });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /passkey=gone/);
    assert.ok(await t.ctx.db.selectFrom('staff_passkeys').select('id').where('id', '=', row.id).executeTakeFirst(), 'still there');
  });

  it('a passkey is a second factor: the password leads to the passkey step (no code form), and the security page says so', async () => {
    const user = await makeStaff(t.ctx.db, 'triager', 'Passkey Only');
    await t.ctx.db
      .insertInto('staff_passkeys')
      .values({ user_id: user.id, credential_id: `cred-${user.id}`, public_key: Buffer.from('00', 'hex'), counter: 0, device_type: 'multiDevice', backed_up: true, name: 'Phone' })
      .execute();
    const c = new Client(t.app);
    const login = await c.postForm('/staff/login', { _csrf: Client.csrf((await c.get('/staff/login')).body), email: user.email, password: user.password });
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/staff/login/second-factor');
    const step = await c.get('/staff/login/second-factor');
    assert.match(step.body, /action="\/staff\/login\/second-factor\/passkey"/);
    assert.doesNotMatch(step.body, /name="code"/);
    assert.equal((await c.get('/staff/reports')).statusCode, 303, 'no session before the second step');

    const signedIn = new Client(t.app);
    signedIn.cookies.set('embargo_session', await createSession(t.ctx.db, user.id));
    const security = await signedIn.get('/staff/account/security');
    assert.match(security.body, /Your passkey is your second step/);
    const account = await signedIn.get('/staff/account');
    assert.match(account.body, /<strong>Phone<\/strong>/);
  });

  it('adding a passkey more than ten minutes after signing in needs the password', async () => {
    const user = await makeStaff(t.ctx.db, 'triager', 'Stale Session');
    const c = await Client.signedIn(t.app, user);
    await t.ctx.db.updateTable('sessions').set({ created_at: new Date(Date.now() - 3600_000) } as never).where('user_id', '=', user.id).execute();
    const page = await c.get('/staff/account');
    assert.match(page.body, /<label for="passkey-password">Your current password<\/label>/);
    const csrf = Client.csrf(page.body);
    const ask = (body: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/staff/account/passkeys/options',
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const without = await ask({});
    assert.equal(without.statusCode, 403);
    assert.match(without.body, /current password/);
    assert.equal((await ask({ password: 'wrong password 123' })).statusCode, 403);
    const right = await ask({ password: user.password });
    assert.equal(right.statusCode, 200);
    assert.ok((right.json() as { challenge?: string }).challenge);
    assert.ok(!t.logText().includes(user.password), 'the password is not logged');
  });
});

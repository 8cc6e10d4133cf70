/**
 * Linking a single sign-on identity to an account is like adding a passkey: the identity then
 * signs in as the account on its own, so a borrowed (old) session must not be able to plant one.
 * More than ten minutes after signing in, the current password is needed first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, defaultAppDatabase, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { makeStaff } from '../helpers/factories.ts';
import { startOidcProvider, type TestIdp } from '../helpers/oidc-provider.ts';

describe('linking a single sign-on identity needs a recent sign-in or the password', () => {
  let idp: TestIdp;
  let t: TestApp;
  const baseUrl = 'http://127.0.0.1:9';
  before(async () => {
    idp = await startOidcProvider(`${baseUrl}/staff/login/sso/callback`);
    t = await startTestApp(defaultAppDatabase(), {
      EMBARGO_BASE_URL: baseUrl,
      EMBARGO_OIDC_ISSUER: idp.issuer,
      EMBARGO_OIDC_CLIENT_ID: idp.clientId,
      EMBARGO_OIDC_CLIENT_SECRET: idp.clientSecret,
      EMBARGO_OIDC_LABEL: 'Test IdP',
    });
  });
  after(async () => {
    await t?.close();
    await idp?.close();
  });

  const requests = () => t.ctx.db.selectFrom('staff_sso_requests').select('token_hash').execute();

  it('an old session cannot start a link without the password; with it, it can', async () => {
    const user = await makeStaff(t.ctx.db, 'admin', 'Stale Linker');
    const c = await Client.signedIn(t.app, user);
    await t.ctx.db.updateTable('sessions').set({ created_at: new Date(Date.now() - 3600_000) } as never).where('user_id', '=', user.id).execute();
    const page = await c.get('/staff/account');
    assert.match(page.body, /<label for="sso-link-password">Your current password<\/label>/);
    const csrf = Client.csrf(page.body);
    const before = (await requests()).length;

    const without = await c.postForm('/staff/account/sso/link', { _csrf: csrf });
    assert.equal(without.statusCode, 303);
    assert.equal(without.headers.location, '/staff/account?done=sso-not-confirmed#sso-heading');
    assert.equal((await requests()).length, before, 'no authorization request was started');
    assert.match((await c.get('/staff/account?done=sso-not-confirmed')).body, /Not linked: type your current password/);

    const wrong = await c.postForm('/staff/account/sso/link', { _csrf: csrf, password: 'wrong password 123' });
    assert.equal(wrong.headers.location, '/staff/account?done=sso-not-confirmed#sso-heading');
    assert.equal((await requests()).length, before);

    const right = await c.postForm('/staff/account/sso/link', { _csrf: csrf, password: user.password });
    assert.equal(right.statusCode, 303);
    assert.ok(String(right.headers.location).startsWith(idp.issuer), `to the provider, not ${right.headers.location}`);
    assert.equal((await requests()).length, before + 1);
    assert.ok(!t.logText().includes(user.password), 'the password is not logged');
  });

  it('a session opened in the last ten minutes links without the password', async () => {
    const user = await makeStaff(t.ctx.db, 'triager', 'Fresh Linker');
    const c = await Client.signedIn(t.app, user);
    const page = await c.get('/staff/account');
    assert.doesNotMatch(page.body, /sso-link-password/);
    const res = await c.postForm('/staff/account/sso/link', { _csrf: Client.csrf(page.body) });
    assert.equal(res.statusCode, 303);
    assert.ok(String(res.headers.location).startsWith(idp.issuer));
  });
});

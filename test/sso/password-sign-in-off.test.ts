import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { Client, defaultAppDatabase, startTestApp, type TestApp } from '../helpers/http-app.ts';

const glass = { email: 'glass@example.com', displayName: 'Break Glass', password: 'break-glass-password-1', role: 'admin' as const };
const other = { email: 'other@example.com', displayName: 'Other Admin', password: 'other-password-123', role: 'admin' as const };

describe('password sign-in turned off (EMBARGO_PASSWORD_SIGN_IN=false)', () => {
  let t: TestApp;
  before(async () => {
    // No provider runs here: discovery happens at the first "Sign in with …", which these tests do not click.
    t = await startTestApp(defaultAppDatabase(), {
      EMBARGO_OIDC_ISSUER: 'https://login.example.com',
      EMBARGO_OIDC_CLIENT_ID: 'embargo',
      EMBARGO_OIDC_CLIENT_SECRET: 'client-secret-value',
      EMBARGO_OIDC_LABEL: 'Acme Login',
      EMBARGO_PASSWORD_SIGN_IN: 'false',
      EMBARGO_BREAK_GLASS_ADMIN: glass.email,
    });
    await createStaffUser(t.ctx.db, glass);
    await createStaffUser(t.ctx.db, other);
  });
  after(() => t.close());

  async function signIn(user: { email: string; password: string }) {
    const c = new Client(t.app);
    const page = await c.get('/staff/login');
    return { c, res: await c.postForm('/staff/login', { _csrf: Client.csrf(page.body), email: user.email, password: user.password }) };
  }

  it('offers single sign-on first and keeps the password form for the break-glass admin', async () => {
    const page = await new Client(t.app).get('/staff/login');
    assert.match(page.body, /href="\/staff\/login\/sso"[^>]*>Sign in with Acme Login/);
    assert.match(page.body, /<summary>Break-glass administrator sign-in<\/summary>/);
  });

  it('refuses a right password of anyone else, with a clear message, and opens no session', async () => {
    const { c, res } = await signIn(other);
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /turned off here: use single sign-on/);
    assert.equal((await c.get('/staff/reports')).statusCode, 303);
  });

  it('answers a wrong password the same for the break-glass account and others (which one it is stays hidden)', async () => {
    const a = await signIn({ email: glass.email, password: 'wrong password here' });
    const b = await signIn({ email: other.email, password: 'wrong password here' });
    assert.equal(a.res.statusCode, 401);
    assert.equal(b.res.statusCode, 401);
  });

  it('lets the break-glass admin in with the password', async () => {
    const { c, res } = await signIn({ email: 'GLASS@example.com', password: glass.password });
    assert.equal(res.statusCode, 303);
    assert.equal((await c.get('/staff/reports')).statusCode, 200);
  });

  it('answers 503 with a clear page when the provider cannot be reached', async () => {
    const res = await new Client(t.app).get('/staff/login/sso');
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /Acme Login could not be reached/);
    assert.ok(!t.logText().includes('client-secret-value'));
  });

  it('records a refused single sign-on answer in the audit log (a forged or replayed callback)', async () => {
    const res = await new Client(t.app).get('/staff/login/sso/callback?code=forged&state=forged');
    assert.equal(res.statusCode, 400);
    const rows = await t.ctx.db.selectFrom('audit_log').select(['action', 'outcome', 'details']).where('action', '=', 'sign-in').where('outcome', '=', 'refused').execute();
    assert.ok(rows.some((r) => JSON.parse(r.details).reason === 'sso-refused'), JSON.stringify(rows));
  });
});

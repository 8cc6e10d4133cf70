import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createApiToken } from '../../src/api/tokens/api-tokens.ts';
import { unseal } from '../../src/mail/seal.ts';
import { totpCode, totpStep } from '../../src/staff/second-factor/totp.ts';
import { demo, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

type Staff = { id: string; email: string; password: string };

/** Sets up the authenticator through the page, as a person would: reads the key shown, types its code. */
async function enrolThroughPage(c: Client): Promise<{ secret: string; codes: string[]; page: string }> {
  const page = await c.get('/staff/account/security');
  assert.equal(page.statusCode, 200);
  const secret = /id="totp-secret">([^<]+)</.exec(page.body)![1]!.replace(/ /g, '');
  const enrolment = /name="enrolment" value="([^"]+)"/.exec(page.body)![1]!;
  const res = await c.postForm('/staff/account/security/enrol', { _csrf: Client.csrf(page.body), enrolment, code: totpCode(secret, new Date()) });
  assert.equal(res.statusCode, 200, res.body);
  const codes = [...res.body.matchAll(/<code>([a-z2-7]{5}(?:-[a-z2-7]{5}){3})<\/code>/g)].map((m) => m[1]!);
  return { secret, codes, page: res.body };
}

/** The secret as stored, opened the way the server does (the test knows the instance secret). */
async function storedSecret(t: TestApp, userId: string): Promise<string> {
  const row = await t.ctx.db.selectFrom('staff_second_factors').select('secret_sealed').where('user_id', '=', userId).executeTakeFirstOrThrow();
  return unseal(t.ctx.secret, 'staff-totp', userId, row.secret_sealed).toString('utf8');
}

/** Time passing without waiting: the last used code becomes two steps old, so the current code is new. */
async function letTimePass(t: TestApp, userId: string): Promise<void> {
  await t.ctx.db.updateTable('staff_second_factors').set({ last_used_step: totpStep(new Date()) - 2 }).where('user_id', '=', userId).execute();
}

/** The password step; returns the client (holding the pending sign-in cookie) and the answer. */
async function passwordStep(t: TestApp, user: Staff, next?: string) {
  const c = new Client(t.app);
  const csrf = Client.csrf((await c.get('/staff/login')).body);
  const res = await c.postForm('/staff/login', { _csrf: csrf, email: user.email, password: user.password, ...(next ? { next } : {}) });
  return { c, res };
}

async function codeStep(c: Client, code: string) {
  const page = await c.get('/staff/login/second-factor');
  return c.postForm('/staff/login/second-factor', { _csrf: Client.csrf(page.body), code });
}

async function signOut(c: Client) {
  const page = await c.get('/staff/account/security');
  assert.equal((await c.postForm('/staff/logout', { _csrf: Client.csrf(page.body) })).statusCode, 303);
}

describe('staff second factor over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });
  // Every request here comes from one address; each test starts with fresh counters.
  beforeEach(async () => {
    await t.ctx.db.deleteFrom('rate_limits').execute();
  });

  it('enrols: a QR code in the page, a wrong code refused, the right one accepted, recovery codes shown once', async () => {
    const user = await makeStaff(t.ctx.db);
    const c = await Client.signedIn(t.app, user);
    const inbox = await c.get('/staff/reports');
    // The navigation leads to the account page, which leads to sign-in security.
    assert.match(inbox.body, /href="\/staff\/account"[^>]*>Account</);
    assert.match((await c.get('/staff/account')).body, /href="\/staff\/account\/security"/);

    const page = await c.get('/staff/account/security');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.doesNotMatch(String(page.headers['content-security-policy']), /unsafe-inline/);
    assert.match(page.body, /<svg role="img" aria-label="QR code for [^"]+" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.doesNotMatch(page.body, /<script(?![^>]*src=)/);
    const secret = /id="totp-secret">([^<]+)</.exec(page.body)![1]!.replace(/ /g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(page.body, new RegExp(`otpauth://totp/[^"<]*secret=${secret}`));
    const enrolment = /name="enrolment" value="([^"]+)"/.exec(page.body)![1]!;
    const csrf = Client.csrf(page.body);

    assert.equal((await c.postForm('/staff/account/security/enrol', { enrolment, code: totpCode(secret, new Date()) })).statusCode, 403, 'no CSRF token');
    const wrong = await c.postForm('/staff/account/security/enrol', { _csrf: csrf, enrolment, code: '000000' === totpCode(secret, new Date()) ? '111111' : '000000' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /That code does not match this key/);
    assert.ok(wrong.body.includes(secret), 'the same key is offered again, no need to scan anew');
    assert.equal(await t.ctx.db.selectFrom('staff_second_factors').select('user_id').where('user_id', '=', user.id).executeTakeFirst(), undefined);

    const other = await makeStaff(t.ctx.db);
    const otherClient = await Client.signedIn(t.app, other);
    const otherPage = await otherClient.get('/staff/account/security');
    const stolen = await otherClient.postForm('/staff/account/security/enrol', { _csrf: Client.csrf(otherPage.body), enrolment, code: totpCode(secret, new Date()) });
    assert.equal(stolen.statusCode, 422, 'an enrolment field of another account does not open');

    const ok = await c.postForm('/staff/account/security/enrol', { _csrf: csrf, enrolment, code: totpCode(secret, new Date()) });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['cache-control'], 'no-store');
    const codes = [...ok.body.matchAll(/<code>([a-z2-7]{5}(?:-[a-z2-7]{5}){3})<\/code>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);
    assert.equal(await storedSecret(t, user.id), secret);

    const again = await c.get('/staff/account/security');
    assert.match(again.body, /10 unused recovery codes left/);
    for (const code of codes) assert.ok(!again.body.includes(code), 'recovery codes are not shown again');
    assert.ok(!again.body.includes(secret), 'a new key is offered for replacing, never the enrolled one');
    const log = t.logText();
    for (const s of [secret, ...codes]) assert.ok(!log.includes(s), 'nothing secret in the log');
  });

  it('signs in with the password, then the code: no session in between, wrong codes refused, replay refused, next kept', async () => {
    const user = await makeStaff(t.ctx.db);
    await enrolThroughPage(await Client.signedIn(t.app, user));
    const secret = await storedSecret(t, user.id);
    await letTimePass(t, user.id);

    const { c, res } = await passwordStep(t, user, '/staff/reports?state=new');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/staff/login/second-factor');
    assert.ok(!res.cookies.some((k) => k.name === 'embargo_session'), 'no session after the password alone');
    const pending = res.cookies.find((k) => k.name === 'embargo_sign_in');
    assert.ok(pending?.httpOnly && pending.sameSite === 'Strict' && pending.maxAge === 300);

    // the pending sign-in opens no staff page, not even passed off as a session cookie
    const inbox = await c.get('/staff/reports');
    assert.equal(inbox.statusCode, 303);
    assert.match(String(inbox.headers.location), /^\/staff\/login/);
    const forged = new Client(t.app);
    forged.cookies.set('embargo_session', pending.value);
    assert.equal((await forged.get('/staff/account/security')).statusCode, 303);

    const page = await c.get('/staff/login/second-factor');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /autocomplete="one-time-code"/);
    assert.equal((await c.postForm('/staff/login/second-factor', { code: totpCode(secret, new Date()) })).statusCode, 403, 'no CSRF token');

    const wrong = await c.postForm('/staff/login/second-factor', { _csrf: Client.csrf(page.body), code: '12345' });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /That code is not right/);
    assert.doesNotMatch(wrong.body, /name="password"/, 'the password is not asked again');

    const code = totpCode(secret, new Date());
    const right = await c.postForm('/staff/login/second-factor', { _csrf: Client.csrf(wrong.body), code: code.slice(0, 3) + ' ' + code.slice(3) });
    assert.equal(right.statusCode, 303);
    assert.equal(right.headers.location, '/staff/reports?state=new');
    assert.ok(right.cookies.some((k) => k.name === 'embargo_session' && k.value));
    assert.ok(!c.cookies.has('embargo_sign_in'), 'the pending sign-in cookie is cleared');
    assert.equal((await c.get('/staff/reports')).statusCode, 200);

    // the same code again, on a new sign-in: refused
    const second = await passwordStep(t, user);
    const replay = await codeStep(second.c, code);
    assert.equal(replay.statusCode, 401);
    assert.match(replay.body, /already used/);
    assert.equal((await second.c.get('/staff/reports')).statusCode, 303);
  });

  it('takes a recovery code once', async () => {
    const user = await makeStaff(t.ctx.db);
    const { codes } = await enrolThroughPage(await Client.signedIn(t.app, user));
    const first = await passwordStep(t, user);
    const ok = await codeStep(first.c, codes[0]!.toUpperCase());
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/staff/reports');
    assert.match(t.logText(), /staff sign-in with a recovery code/);
    const status = await first.c.get('/staff/account/security');
    assert.match(status.body, /9 unused recovery codes left/);
    await signOut(first.c);

    const second = await passwordStep(t, user);
    const reused = await codeStep(second.c, codes[0]!);
    assert.equal(reused.statusCode, 401);
    assert.equal((await codeStep(second.c, codes[1]!)).statusCode, 303);
  });

  it('forgets a pending sign-in after five minutes, and a used one; asks for the password again', async () => {
    const user = await makeStaff(t.ctx.db);
    await enrolThroughPage(await Client.signedIn(t.app, user));
    const secret = await storedSecret(t, user.id);
    await letTimePass(t, user.id);
    const { c } = await passwordStep(t, user);
    const page = await c.get('/staff/login/second-factor');
    await t.ctx.db.updateTable('staff_pending_sign_ins').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', user.id).execute();
    const late = await c.postForm('/staff/login/second-factor', { _csrf: Client.csrf(page.body), code: totpCode(secret, new Date()) });
    assert.equal(late.statusCode, 401);
    assert.match(late.body, /longer than five minutes/);
    assert.match(late.body, /name="password"/);
    assert.equal((await c.get('/staff/login/second-factor')).headers.location, '/staff/login');
    assert.equal((await c.get('/staff/reports')).statusCode, 303);

    // a pending sign-in that succeeded cannot make a second session
    const again = await passwordStep(t, user);
    const token = again.c.cookies.get('embargo_sign_in')!;
    assert.equal((await codeStep(again.c, totpCode(secret, new Date()))).statusCode, 303);
    const thief = new Client(t.app);
    thief.cookies.set('embargo_sign_in', token);
    await letTimePass(t, user.id);
    assert.equal((await thief.get('/staff/login/second-factor')).statusCode, 303);
  });

  it('rate-limits codes per account: the right code is refused too once throttled', async () => {
    const user = await makeStaff(t.ctx.db);
    await enrolThroughPage(await Client.signedIn(t.app, user));
    const secret = await storedSecret(t, user.id);
    await letTimePass(t, user.id);
    const { c } = await passwordStep(t, user);
    let status = 0;
    for (let i = 0; i < 10; i++) status = (await codeStep(c, String(100000 + i))).statusCode;
    assert.equal(status, 401);
    const throttled = await codeStep(c, totpCode(secret, new Date()));
    assert.equal(throttled.statusCode, 429);
    assert.match(throttled.body, /Too many attempts/);
  });

  it('replaces the authenticator only with the password and the current factor, ending other sessions', async () => {
    const user = await makeStaff(t.ctx.db);
    const c = await Client.signedIn(t.app, user);
    const { codes } = await enrolThroughPage(c);
    const secret = await storedSecret(t, user.id);
    await letTimePass(t, user.id);
    // Another session of the same account, signed in with both steps.
    const { c: other } = await passwordStep(t, user);
    assert.equal((await codeStep(other, totpCode(secret, new Date()))).statusCode, 303);
    assert.equal((await other.get('/staff/reports')).statusCode, 200);

    const page = await c.get('/staff/account/security');
    assert.match(page.body, /Code from your current authenticator/);
    const fresh = /id="totp-secret">([^<]+)</.exec(page.body)![1]!.replace(/ /g, '');
    const enrolment = /name="enrolment" value="([^"]+)"/.exec(page.body)![1]!;
    const form = { _csrf: Client.csrf(page.body), enrolment, code: totpCode(fresh, new Date()), password: user.password };
    const noCurrent = await c.postForm('/staff/account/security/enrol', { ...form, currentCode: '' });
    assert.equal(noCurrent.statusCode, 422, 'the password alone does not move the factor');
    assert.equal(await storedSecret(t, user.id), secret);
    const replaced = await c.postForm('/staff/account/security/enrol', { ...form, currentCode: codes[0]! });
    assert.equal(replaced.statusCode, 200);
    assert.match(replaced.body, /recovery codes/i);
    assert.equal(await storedSecret(t, user.id), fresh);
    assert.equal((await other.get('/staff/reports')).statusCode, 303, 'the other session ended');
    assert.equal((await c.get('/staff/reports')).statusCode, 200, 'this one stays');
  });

  it('turns off only with the password and a current code; replacing needs the password', async () => {
    const user = await makeStaff(t.ctx.db);
    const c = await Client.signedIn(t.app, user);
    const { codes } = await enrolThroughPage(c);
    const secret = await storedSecret(t, user.id);
    await letTimePass(t, user.id);

    let page = await c.get('/staff/account/security');
    assert.match(page.body, /Replace your authenticator/);
    const fresh = /id="totp-secret">([^<]+)</.exec(page.body)![1]!.replace(/ /g, '');
    const enrolment = /name="enrolment" value="([^"]+)"/.exec(page.body)![1]!;
    const noPassword = await c.postForm('/staff/account/security/enrol', { _csrf: Client.csrf(page.body), enrolment, code: totpCode(fresh, new Date()), password: 'wrong password!' });
    assert.equal(noPassword.statusCode, 422);
    assert.match(noPassword.body, /The password is not right/);
    assert.equal(await storedSecret(t, user.id), secret);

    assert.equal((await c.postForm('/staff/account/security/disable', { password: user.password, code: totpCode(secret, new Date()) })).statusCode, 403, 'no CSRF token');
    page = await c.get('/staff/account/security');
    const badPassword = await c.postForm('/staff/account/security/disable', { _csrf: Client.csrf(page.body), password: 'wrong password!', code: totpCode(secret, new Date()) });
    assert.equal(badPassword.statusCode, 422);
    const badCode = await c.postForm('/staff/account/security/disable', { _csrf: Client.csrf(page.body), password: user.password, code: '000000' === totpCode(secret, new Date()) ? '111111' : '000000' });
    assert.equal(badCode.statusCode, 422);
    assert.match(badCode.body, /That code is not right/);
    assert.ok(await t.ctx.db.selectFrom('staff_second_factors').select('user_id').where('user_id', '=', user.id).executeTakeFirst());

    const off = await c.postForm('/staff/account/security/disable', { _csrf: Client.csrf(page.body), password: user.password, code: totpCode(secret, new Date()) });
    assert.equal(off.statusCode, 303);
    assert.match((await c.get(String(off.headers.location))).body, /Two-step sign-in is off/);
    const codesLeft = await t.ctx.db.selectFrom('staff_recovery_codes').select('user_id').where('user_id', '=', user.id).execute();
    assert.equal(codesLeft.length, 0);
    assert.equal(codes.length, 10);
    // back to the password alone
    const { res } = await passwordStep(t, user);
    assert.equal(res.headers.location, '/staff/reports');
  });
});

describe('EMBARGO_REQUIRE_SECOND_FACTOR=true', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(undefined, { EMBARGO_REQUIRE_SECOND_FACTOR: 'true' });
  });
  after(async () => {
    await t.close();
  });

  it('sends staff without a second factor to set one up, and leaves API tokens alone', async () => {
    const user = await makeStaff(t.ctx.db, 'admin');
    const c = await Client.signedIn(t.app, user);
    for (const url of ['/staff/reports', '/staff/metrics', '/staff/canned-responses']) {
      const res = await c.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/staff/account/security', url);
    }
    const page = await c.get('/staff/account/security');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /requires two-step sign-in/);
    const post = await c.postForm('/staff/canned-responses', { _csrf: Client.csrf(page.body), title: 'x', body: 'y' });
    assert.equal(post.statusCode, 303);
    assert.equal(post.headers.location, '/staff/account/security');

    const program = await demo(t.ctx.db);
    const { token } = await createApiToken(t.ctx.db, { programId: program.id, input: { name: 'ci', scopes: ['reports:read'] }, createdBy: null });
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/reports', headers: { authorization: `Bearer ${token}` } });
    assert.equal(api.statusCode, 200);

    await enrolThroughPage(c);
    assert.equal((await c.get('/staff/reports')).statusCode, 200);
    await signOut(c);
    assert.equal((await new Client(t.app).get('/staff/login')).statusCode, 200);
  });
});

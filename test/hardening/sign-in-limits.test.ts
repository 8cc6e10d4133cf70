import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { after, before, beforeEach, describe, it } from 'node:test';
import { apiRateLimitKey } from '../../src/api/api-auth.ts';
import { up as forgetClearKeys } from '../../src/db/migrations/2026-12-02T0750-forget-clear-rate-limit-keys.ts';
import { unseal } from '../../src/mail/seal.ts';
import { totpCode, totpStep } from '../../src/staff/second-factor/totp.ts';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT, NETWORK_BACKOFF } from '../../src/staff/sign-in-limits.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { makeApiToken } from '../api/api-helpers.ts';
import { makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

type Staff = { id: string; email: string; password: string };

/** The app as seen from one client address (inject's remoteAddress), for Client. */
function from(app: FastifyInstance, remoteAddress: string): FastifyInstance {
  return { inject: (opts: object) => app.inject({ ...opts, remoteAddress }) } as unknown as FastifyInstance;
}

async function signIn(t: TestApp, ip: string, email: string, password: string) {
  const c = new Client(from(t.app, ip));
  const csrf = Client.csrf((await c.get('/staff/login')).body);
  const res = await c.postForm('/staff/login', { _csrf: csrf, email, password });
  return { c, res };
}

/** Time passing without waiting: every sign-in counter's last attempt moves `seconds` into the past. */
async function letTimePass(t: TestApp, seconds: number): Promise<void> {
  await sql`UPDATE rate_limits SET window_ends_at = window_ends_at - ${sql.lit(`${seconds} seconds`)}::interval WHERE key LIKE 'sign-in:%'`.execute(t.ctx.db);
}

async function enrol(t: TestApp, user: Staff): Promise<string> {
  const c = await Client.signedIn(t.app, user);
  const page = await c.get('/staff/account/security');
  const secret = /id="totp-secret">([^<]+)</.exec(page.body)![1]!.replace(/ /g, '');
  const enrolment = /name="enrolment" value="([^"]+)"/.exec(page.body)![1]!;
  const res = await c.postForm('/staff/account/security/enrol', { _csrf: Client.csrf(page.body), enrolment, code: totpCode(secret, new Date()) });
  assert.equal(res.statusCode, 200);
  const row = await t.ctx.db.selectFrom('staff_second_factors').select('secret_sealed').where('user_id', '=', user.id).executeTakeFirstOrThrow();
  assert.equal(unseal(t.ctx.secret, 'staff-totp', user.id, row.secret_sealed).toString('utf8'), secret);
  // The enrolment used this step's code; the sign-in below needs a fresh one.
  await t.ctx.db.updateTable('staff_second_factors').set({ last_used_step: totpStep(new Date()) - 2 }).where('user_id', '=', user.id).execute();
  return secret;
}

function retryAfter(res: { headers: Record<string, unknown> }): number {
  return Number(res.headers['retry-after']);
}

for (const kind of await databaseKinds()) {
  describe(`staff sign-in limits (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(async () => {
      await t.close();
    });
    beforeEach(async () => {
      await t.ctx.db.deleteFrom('rate_limits').execute();
    });

    it('counts failures only: an office signing in forty times from one address is never refused', async () => {
      const user = await makeStaff(t.ctx.db);
      for (let i = 0; i < 40; i++) {
        const { res } = await signIn(t, '192.0.2.10', user.email, user.password);
        assert.equal(res.statusCode, 303, `sign-in ${i + 1}`);
      }
      // Successes also give back their count against the address: a typo now and then never adds up.
      for (let i = 0; i < ADDRESS_LIMIT.max + 5; i++) {
        const other = await makeStaff(t.ctx.db);
        assert.equal((await signIn(t, '192.0.2.10', other.email, other.password)).res.statusCode, 303);
      }
    });

    it('slows down guessing from one network with growing delays and the real time left, and never locks out the owner elsewhere', async () => {
      const user = await makeStaff(t.ctx.db);
      const statuses: number[] = [];
      for (let i = 0; i < NETWORK_BACKOFF.free; i++) statuses.push((await signIn(t, '198.51.100.7', user.email, `guess ${i}`)).res.statusCode);
      assert.deepEqual(statuses, Array(NETWORK_BACKOFF.free).fill(401));
      const first = (await signIn(t, '198.51.100.7', user.email, 'another guess')).res;
      assert.equal(first.statusCode, 429);
      assert.ok(retryAfter(first) > NETWORK_BACKOFF.baseSeconds - 5 && retryAfter(first) <= NETWORK_BACKOFF.baseSeconds, `Retry-After ${retryAfter(first)}`);
      assert.match(first.body, /from your network\. Try again in \d+ seconds/);
      // The same /24 is the same network; the right password waits too.
      const neighbour = (await signIn(t, '198.51.100.200', user.email, user.password)).res;
      assert.equal(neighbour.statusCode, 429);
      // Meanwhile the owner, on another network, signs in at once: ten failures elsewhere lock nobody out.
      for (let i = 0; i < 10; i++) await signIn(t, `203.0.113.${i + 1}`, user.email, `remote guess ${i}`);
      assert.equal((await signIn(t, '192.0.2.44', user.email, user.password)).res.statusCode, 303);

      // Each further failure doubles the wait, up to the cap.
      const waits: number[] = [];
      for (let i = 0; i < 7; i++) {
        await letTimePass(t, NETWORK_BACKOFF.maxSeconds);
        const res = (await signIn(t, '198.51.100.7', user.email, `later guess ${i}`)).res;
        assert.equal(res.statusCode, 401, 'after the wait, one more try is allowed');
        const refused = (await signIn(t, '198.51.100.7', user.email, 'too soon')).res;
        assert.equal(refused.statusCode, 429);
        waits.push(retryAfter(refused));
      }
      const expected = [60, 120, 240, 480, 900, 900, 900];
      for (const [i, w] of waits.entries()) assert.ok(w <= expected[i]! && w > expected[i]! - 5, `wait ${i}: ${w} (expected about ${expected[i]})`);

      // A correct sign-in from the network, once allowed, forgets its failures.
      await letTimePass(t, NETWORK_BACKOFF.maxSeconds);
      assert.equal((await signIn(t, '198.51.100.7', user.email, user.password)).res.statusCode, 303);
      assert.equal((await signIn(t, '198.51.100.7', user.email, 'a typo')).res.statusCode, 401);
    });

    it('limits parallel guesses from one network as strictly as sequential ones', async () => {
      const user = await makeStaff(t.ctx.db);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(t, '198.51.100.9', user.email, `parallel guess ${i}`)));
      const tried = answers.filter((a) => a.res.statusCode === 401).length;
      assert.equal(tried, NETWORK_BACKOFF.free, `passwords checked: ${tried}`);
    });

    it('limits failures from one address across accounts, and says when to try again', async () => {
      let last;
      for (let i = 0; i < ADDRESS_LIMIT.max; i++) {
        last = (await signIn(t, '2001:db8:7::1', `nobody${i}@example.com`, 'guess')).res;
        assert.equal(last.statusCode, 401);
      }
      last = (await signIn(t, '2001:db8:7::1', 'someone@example.com', 'guess')).res;
      assert.equal(last.statusCode, 429);
      assert.match(last.body, /from your address/);
      assert.ok(retryAfter(last) > ADDRESS_LIMIT.windowSeconds - 30 && retryAfter(last) <= ADDRESS_LIMIT.windowSeconds, `Retry-After ${retryAfter(last)}`);
      // Another address is not affected.
      const user = await makeStaff(t.ctx.db);
      assert.equal((await signIn(t, '2001:db8:8::1', user.email, user.password)).res.statusCode, 303);
    });

    it('past the account threshold (guessing from many networks), a password with a valid second factor still signs in; a password alone waits', async () => {
      const withFactor = await makeStaff(t.ctx.db);
      const secret = await enrol(t, withFactor);
      const passwordOnly = await makeStaff(t.ctx.db);
      for (const victim of [withFactor, passwordOnly]) {
        for (let i = 0; i < ACCOUNT_LIMIT.max; i++) {
          const res = (await signIn(t, `10.${Math.floor(i / 4)}.${i % 4}.1`, victim.email, `distributed guess ${i}`)).res;
          assert.equal(res.statusCode, 401, `guess ${i}`);
        }
      }
      // The attacker, from yet another network, is answered the same whether or not the password is right.
      const guess = (await signIn(t, '10.200.0.1', passwordOnly.email, 'one more guess')).res;
      assert.equal(guess.statusCode, 429);
      assert.ok(retryAfter(guess) > ACCOUNT_LIMIT.windowSeconds - 60 && retryAfter(guess) <= ACCOUNT_LIMIT.windowSeconds, `Retry-After ${retryAfter(guess)}`);
      const owner = (await signIn(t, '192.0.2.80', passwordOnly.email, passwordOnly.password)).res;
      assert.equal(owner.statusCode, 429);
      assert.match(owner.body, /two-step sign-in/);
      // With a second factor the owner gets through: password, then a valid code, then the reports.
      const { c, res } = await signIn(t, '192.0.2.81', withFactor.email, withFactor.password);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/staff/login/second-factor');
      const page = await c.get('/staff/login/second-factor');
      const code = await c.postForm('/staff/login/second-factor', { _csrf: Client.csrf(page.body), code: totpCode(secret, new Date()) });
      assert.equal(code.statusCode, 303);
      assert.equal((await c.get('/staff/reports')).statusCode, 200);
      // A wrong password for that account is still refused like any other while the threshold holds.
      assert.equal((await signIn(t, '192.0.2.82', withFactor.email, 'wrong')).res.statusCode, 429);
    });

    it('keeps no address and no e-mail in the rate-limit table', async () => {
      const user = await makeStaff(t.ctx.db);
      const secret = await enrol(t, user);
      await signIn(t, '198.51.100.23', user.email, 'wrong password');
      await signIn(t, '2001:db8:42::17', 'Nobody@Example.com', 'wrong password');
      const { c } = await signIn(t, '198.51.100.23', user.email, user.password);
      const page = await c.get('/staff/login/second-factor');
      await c.postForm('/staff/login/second-factor', { _csrf: Client.csrf(page.body), code: totpCode(secret, new Date()) === '000000' ? '111111' : '000000' });
      const reporter = new Client(from(t.app, '198.51.100.23'));
      const form = await reporter.get('/report');
      await reporter.postMultipart('/report', { _csrf: Client.csrf(form.body), title: 'x' });
      const keys = (await t.ctx.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
      assert.ok(keys.some((k) => k.startsWith('sign-in:network:')) && keys.some((k) => k.startsWith('2fa:')) && keys.some((k) => k.startsWith('submit:')), keys.join(' '));
      const dump = keys.join('\n').toLowerCase();
      for (const secretWord of ['198.51.100', '2001:db8', user.email.toLowerCase(), 'nobody@example.com', 'example.com']) {
        assert.ok(!dump.includes(secretWord), `a rate-limit key holds ${secretWord}`);
      }
    });

    it('forgets, on upgrade, the counters whose keys held addresses in clear', async () => {
      const later = new Date(Date.now() + 600_000);
      const old = ['login:ip:203.0.113.9', 'login:user:lead@example.com', '2fa:ip:203.0.113.9', 'submit:203.0.113.9', 'submit:::1'];
      const kept = ['submit:email:c29tZWhhc2g', `disclosure:${crypto.randomUUID()}`];
      await t.ctx.db.insertInto('rate_limits').values([...old, ...kept].map((key) => ({ key, hits: 1, window_ends_at: later }))).execute();
      await forgetClearKeys(t.ctx.db as never);
      const keys = (await t.ctx.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key).sort();
      assert.deepEqual(keys, [...kept].sort());
    });

    it('answers every rate-limited request with the real time left in Retry-After', async () => {
      const { id, token } = await makeApiToken(t.ctx.db, ['reports:read']);
      await t.ctx.db
        .insertInto('rate_limits')
        .values({ key: apiRateLimitKey(id), hits: 10_000, window_ends_at: new Date(Date.now() + 45 * 60_000) })
        .execute();
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports', headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 429);
      assert.ok(retryAfter(res) > 44 * 60 && retryAfter(res) <= 45 * 60, `Retry-After ${retryAfter(res)}`);
    });
  });
}

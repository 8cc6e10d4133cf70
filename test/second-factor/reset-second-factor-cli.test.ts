import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { totpCode } from '../../src/staff/second-factor/totp.ts';
import { runCli, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';

/** A cookie-keeping browser over real HTTP (fetch), enough for sign-in and enrolment forms. */
class Browser {
  cookies = new Map<string, string>();
  constructor(private baseUrl: string) {}
  async request(path: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
    const res = await fetch(this.baseUrl + path, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form) : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
  static csrf(html: string): string {
    return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  }
  /** The password step: where the server sends us next. */
  async signIn(email: string, password: string): Promise<string | null> {
    const page = await this.request('/staff/login');
    return (await this.request('/staff/login', { _csrf: Browser.csrf(page.body), email, password })).location;
  }
}

describe('embargo user reset-second-factor', () => {
  let server: EmbargoProcess | undefined;
  after(async () => {
    await server?.stop();
    server?.removeFiles();
  });

  it('removes a locked-out account’s second factor through the running server, and directly once it stopped', async () => {
    server = await startEmbargo();
    const env = { EMBARGO_DATA_DIR: server.dataDir, EMBARGO_CONFIG: server.env.EMBARGO_CONFIG! };
    const email = 'dana@example.com';
    const password = 'a very long passphrase';
    const added = await runCli(['user', 'add', '--email', email, '--role', 'admin', '--name', 'Dana'], env, `${password}\n`);
    assert.equal(added.code, 0, added.stderr);

    const b = new Browser(server.baseUrl);
    assert.equal(await b.signIn(email, password), '/staff/reports');
    const page = await b.request('/staff/account/security');
    const secret = /id="totp-secret">([^<]+)</.exec(page.body)![1]!.replace(/ /g, '');
    const enrolment = /name="enrolment" value="([^"]+)"/.exec(page.body)![1]!;
    const enrolled = await b.request('/staff/account/security/enrol', { _csrf: Browser.csrf(page.body), enrolment, code: totpCode(secret, new Date()) });
    assert.equal(enrolled.status, 200);
    assert.match(enrolled.body, /Your recovery codes/);
    assert.equal((await b.request('/staff/reports')).status, 200);

    // The device is lost: the password alone no longer signs in.
    assert.equal(await new Browser(server.baseUrl).signIn(email, password), '/staff/login/second-factor');

    const unknown = await runCli(['user', 'reset-second-factor', '--email', 'nobody@example.com'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No staff account with the e-mail nobody@example.com/);
    assert.equal((await runCli(['user', 'reset-second-factor'], env)).code, 2);

    const reset = await runCli(['user', 'reset-second-factor', '--email', 'DANA@example.com'], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /Removed the second factor of DANA@example.com/);
    const audit = reset.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(audit.some((l) => l.msg === 'second factor reset by an operator' && l.audit === 'second-factor-reset' && l.via === 'admin socket' && l.hadSecondFactor === true));
    assert.ok(!(reset.stdout + reset.stderr + server.stdout()).includes(secret), 'the secret appears in no output');

    // The old session ended with the reset; the password alone signs in again.
    assert.equal((await b.request('/staff/reports')).status, 303);
    assert.equal(await new Browser(server.baseUrl).signIn(email, password), '/staff/reports');

    assert.equal(await server.stop(), 0);
    const offline = await runCli(['user', 'reset-second-factor', '--email', email], env);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /had no second factor/);
    assert.match(offline.stdout, /"via":"database"/);
  });
});

/**
 * Staff passkeys in Chromium with the DevTools virtual authenticator (CDP WebAuthn domain):
 * registering several (named), signing in without a password, the second step after a
 * password, one account's credential refused for another, a used challenge refused,
 * removing with re-authentication (password or passkey).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { freePort } from '../helpers/embargo-process.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { launchChromium } from './chromium.ts';

const TIMEOUT = 15_000;
const ada = { email: 'ada@example.com', displayName: 'Ada Lovelace', password: 'ada-password-12345', role: 'lead' as const };
const bob = { email: 'bob@example.com', displayName: 'Bob Builder', password: 'bob-password-12345', role: 'triager' as const };

/** What CDP's WebAuthn.getCredentials returns, and addCredential takes. */
interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

describe('passkeys in Chromium with a virtual authenticator', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl = '';
  const contexts: BrowserContext[] = [];
  let adaPage: Page;
  let adaCdp: CDPSession;
  let laptop: VirtualCredential;

  before(async () => {
    const port = await freePort();
    // WebAuthn needs a domain as the relying party id (not an IP address); localhost is a secure context.
    baseUrl = `http://localhost:${port}`;
    t = await startTestApp(undefined, { EMBARGO_BASE_URL: baseUrl });
    await t.app.listen({ port, host: 'localhost' });
    await createStaffUser(t.ctx.db, ada);
    await createStaffUser(t.ctx.db, bob);
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  /** A fresh browser with one virtual platform authenticator (resident keys, user verification), holding `credentials`. */
  async function browserWithAuthenticator(credentials: VirtualCredential[] = []): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    contexts.push(context);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const authenticatorId = await addAuthenticator(cdp);
    for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    return { page, cdp, authenticatorId };
  }

  async function addAuthenticator(cdp: CDPSession): Promise<string> {
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return authenticatorId;
  }

  async function credentialsOf(cdp: CDPSession, authenticatorId: string): Promise<VirtualCredential[]> {
    return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as VirtualCredential[];
  }

  async function passwordSignIn(page: Page, user: { email: string; password: string }): Promise<void> {
    await page.goto(`${baseUrl}/staff/login`);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function addPasskey(page: Page, name: string, password?: string): Promise<void> {
    await page.goto(`${baseUrl}/staff/account`);
    await page.getByLabel('Name of the new passkey').fill(name);
    if (password !== undefined) await page.getByLabel('Your current password').fill(password);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey added.').waitFor();
  }

  const passkeysOf = async (email: string) =>
    t.ctx.db
      .selectFrom('staff_passkeys as k')
      .innerJoin('staff_users as u', 'u.id', 'k.user_id')
      .select(['k.id', 'k.name', 'k.counter', 'k.backed_up', 'k.device_type', 'k.last_used_at', 'k.credential_id'])
      .where('u.email', '=', email)
      .orderBy('k.created_at')
      .execute();
  const sessionsOf = async (email: string) =>
    Number((await t.ctx.db.selectFrom('sessions as s').innerJoin('staff_users as u', 'u.id', 's.user_id').select((eb) => eb.fn.countAll<string>().as('n')).where('u.email', '=', email).executeTakeFirstOrThrow()).n);

  it('registers several named passkeys, storing counter and backup flags', async () => {
    const first = await browserWithAuthenticator();
    adaPage = first.page;
    adaCdp = first.cdp;
    await passwordSignIn(adaPage, ada);
    await adaPage.waitForURL(`${baseUrl}/staff/reports`);
    await addPasskey(adaPage, 'Laptop');
    laptop = (await credentialsOf(adaCdp, first.authenticatorId))[0]!;
    assert.ok(laptop?.isResidentCredential, 'a discoverable credential, usable without a password');

    // Another authenticator (a security key) on the same account.
    await adaCdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: first.authenticatorId });
    await addAuthenticator(adaCdp);
    await addPasskey(adaPage, 'Security key');
    const stored = await passkeysOf(ada.email);
    assert.deepEqual(stored.map((p) => p.name), ['Laptop', 'Security key']);
    assert.equal(stored[0]!.credential_id, Buffer.from(laptop.credentialId, 'base64').toString('base64url'));
    for (const p of stored) {
      assert.equal(typeof p.backed_up, 'boolean');
      assert.ok(['singleDevice', 'multiDevice'].includes(p.device_type));
      assert.ok(Number(p.counter) >= 0);
    }
    await adaPage.getByText('Laptop').first().waitFor();
  });

  it('signs in without a password, once per challenge', async () => {
    const { page } = await browserWithAuthenticator([laptop]);
    let posted: string | undefined;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/staff/login/passkey') posted = r.postData() ?? undefined;
    });
    await page.goto(`${baseUrl}/staff/login`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${baseUrl}/staff/reports`);
    const laptopRow = (await passkeysOf(ada.email)).find((p) => p.name === 'Laptop')!;
    assert.ok(laptopRow.last_used_at, 'the use is recorded');

    // The same answer again: its challenge is used up (and bound to a cookie that is gone).
    assert.ok(posted?.includes('credential='));
    const before = await sessionsOf(ada.email);
    const replay = await page.request.post(`${baseUrl}/staff/login/passkey`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: posted!, maxRedirects: 0 });
    assert.ok([400, 401, 403].includes(replay.status()), `replay answered ${replay.status()}`);
    assert.equal(await sessionsOf(ada.email), before, 'no new session from a replayed answer');
  });

  it('is asked as the second step after the password', async () => {
    const { page } = await browserWithAuthenticator([laptop]);
    await passwordSignIn(page, ada);
    await page.waitForURL(`${baseUrl}/staff/login/second-factor`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL(`${baseUrl}/staff/reports`);
  });

  it("never lets a second account use the first account's credential", async () => {
    // Bob has a passkey of his own, so his password leads to the passkey step.
    const bobs = await browserWithAuthenticator();
    await passwordSignIn(bobs.page, bob);
    await bobs.page.waitForURL(`${baseUrl}/staff/reports`);
    // Signed in an hour ago: adding a passkey asks for the password (wrong first, then right).
    const bobId = (await t.ctx.db.selectFrom('staff_users').select('id').where('email', '=', bob.email).executeTakeFirstOrThrow()).id;
    await t.ctx.db.updateTable('sessions').set({ created_at: new Date(Date.now() - 3600_000) } as never).where('user_id', '=', bobId).execute();
    await bobs.page.goto(`${baseUrl}/staff/account`);
    await bobs.page.getByLabel('Name of the new passkey').fill('Bob laptop');
    await bobs.page.getByLabel('Your current password').fill('not bob password');
    await bobs.page.getByRole('button', { name: 'Add a passkey' }).click();
    await bobs.page.getByText('Type your current password to add a passkey').waitFor();
    assert.equal((await passkeysOf(bob.email)).length, 0);
    await addPasskey(bobs.page, 'Bob laptop', bob.password);

    // A browser holding only Ada's credential: Bob's password, then Ada's passkey.
    const { page } = await browserWithAuthenticator([laptop]);
    await passwordSignIn(page, bob);
    await page.waitForURL(`${baseUrl}/staff/login/second-factor`);
    // The browser itself finds no allowed credential…
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByText(/cancelled or timed out/).waitFor();
    // …and a client that asks the authenticator for any credential is refused by the server.
    await page.route('**/staff/login/second-factor/passkey/options', async (route) => {
      const res = await route.fetch();
      const options = (await res.json()) as { allowCredentials?: unknown[] };
      delete options.allowCredentials;
      await route.fulfill({ response: res, json: options });
    });
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/staff/login/second-factor/passkey' && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    assert.equal((await answered).status(), 401);
    await page.getByText('That passkey is not registered for this account.').waitFor();
    await page.goto(`${baseUrl}/staff/reports`);
    await page.waitForURL((u) => u.pathname === '/staff/login');
  });

  it('removes a passkey only after re-authentication, by password or by passkey', async () => {
    await adaPage.goto(`${baseUrl}/staff/account`);
    // Wrong password: nothing removed.
    await adaPage.getByLabel('Your password, to remove “Security key”').fill('not the password');
    await adaPage.locator('form[action$="/remove"]').filter({ hasText: 'Security key' }).getByRole('button', { name: 'Remove', exact: true }).click();
    await adaPage.getByText('Not removed: confirm with your password or one of your passkeys.').waitFor();
    assert.equal((await passkeysOf(ada.email)).length, 2);
    // Confirmed with a passkey (this browser holds the security key): "Laptop" goes.
    await adaPage.locator('form[action$="/remove"]').filter({ hasText: 'Laptop' }).getByRole('button', { name: 'Confirm with a passkey and remove' }).click();
    await adaPage.getByText('Passkey removed.').waitFor();
    assert.deepEqual((await passkeysOf(ada.email)).map((p) => p.name), ['Security key']);
    // Confirmed with the password: the last one goes.
    await adaPage.getByLabel('Your password, to remove “Security key”').fill(ada.password);
    await adaPage.locator('form[action$="/remove"]').filter({ hasText: 'Security key' }).getByRole('button', { name: 'Remove', exact: true }).click();
    await adaPage.getByText('Passkey removed.').waitFor();
    assert.equal((await passkeysOf(ada.email)).length, 0);
    // The removed credential no longer signs in.
    const { page } = await browserWithAuthenticator([laptop]);
    await page.goto(`${baseUrl}/staff/login`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText('That passkey is not registered for this account.').waitFor();
  });
});

describe('passkeys when password sign-in is off (single sign-on only)', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl = '';
  const glass = { email: 'glass@example.com', displayName: 'Break Glass', password: 'break-glass-password-1', role: 'admin' as const };

  before(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    // The provider is never reached here: discovery happens only at "Sign in with …".
    t = await startTestApp(undefined, {
      EMBARGO_BASE_URL: baseUrl,
      EMBARGO_OIDC_ISSUER: 'https://login.example.com',
      EMBARGO_OIDC_CLIENT_ID: 'embargo',
      EMBARGO_OIDC_CLIENT_SECRET: 'secret',
      EMBARGO_PASSWORD_SIGN_IN: 'false',
      EMBARGO_BREAK_GLASS_ADMIN: glass.email,
    });
    await t.app.listen({ port, host: 'localhost' });
    await createStaffUser(t.ctx.db, glass);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("signs in the break-glass admin with a passkey, and nobody else's passkey", async () => {
    const { createSession } = await import('../../src/staff/sessions.ts');
    const other = await createStaffUser(t.ctx.db, { email: 'sso-user@example.com', displayName: 'SSO User', password: 'unused-password-123', role: 'triager' });
    const glassId = (await t.ctx.db.selectFrom('staff_users').select('id').where('email', '=', glass.email).executeTakeFirstOrThrow()).id;
    const credentials: Record<string, unknown[]> = {};
    // Each registers a passkey in a session of their own (as after single sign-on).
    for (const [who, userId] of [['glass', glassId], ['other', other.id]] as const) {
      const context = await browser.newContext();
      context.setDefaultTimeout(TIMEOUT);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await context.addCookies([{ name: 'embargo_session', value: await createSession(t.ctx.db, userId), url: baseUrl }]);
      // Through the sign-in page first, as after single sign-on: it sets the CSRF cookie.
      await page.goto(`${baseUrl}/staff/login`);
      await page.goto(`${baseUrl}/staff/account`);
      await page.getByLabel('Name of the new passkey').fill(`${who} key`);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('Passkey added.').waitFor();
      credentials[who] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      await context.close();
    }
    for (const [who, expected] of [['other', 'refused'], ['glass', 'signed in']] as const) {
      const context = await browser.newContext();
      context.setDefaultTimeout(TIMEOUT);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      for (const credential of credentials[who]!) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as VirtualCredential });
      await page.goto(`${baseUrl}/staff/login`);
      // Offered with the break-glass password form only.
      await page.getByText('Break-glass administrator sign-in').click();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      if (expected === 'refused') await page.getByText('Signing in with a password or passkey is turned off here: use single sign-on.').waitFor();
      else await page.waitForURL(`${baseUrl}/staff/reports`);
      await context.close();
    }
  });
});

/**
 * Staff single sign-on in Chromium against a real OpenID provider (oidc-provider on
 * 127.0.0.1): just-in-time accounts with roles from the groups claim, a person removed
 * from the group refused (and their open session ended) at the next sign-in, a replayed
 * callback, a forged state and a wrong nonce refused, linking an account from its page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { freePort } from '../helpers/embargo-process.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startOidcProvider, type TestIdp } from '../helpers/oidc-provider.ts';
import { launchChromium } from './chromium.ts';

const TIMEOUT = 15_000;
const glass = { email: 'glass@example.com', displayName: 'Break Glass', password: 'break-glass-password-1', role: 'admin' as const };

describe('single sign-on in Chromium with a real OpenID provider', { timeout: 180_000 }, () => {
  let idp: TestIdp;
  let t: TestApp;
  let browser: Browser;
  let baseUrl = '';
  const contexts: BrowserContext[] = [];

  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    idp = await startOidcProvider(`${baseUrl}/staff/login/sso/callback`);
    idp.people.set('ada', { email: 'ada@example.com', name: 'Ada Lovelace', groups: ['psirt-leads', 'everyone'] });
    idp.people.set('local', { email: 'local@example.com', name: 'Local Person', groups: ['psirt'] });
    idp.people.set('glass', { email: 'glass-idp@example.com', name: 'Break Glass', groups: ['psirt-admins'] });
    t = await startTestApp(undefined, {
      EMBARGO_BASE_URL: baseUrl,
      EMBARGO_OIDC_ISSUER: idp.issuer,
      EMBARGO_OIDC_CLIENT_ID: idp.clientId,
      EMBARGO_OIDC_CLIENT_SECRET: idp.clientSecret,
      EMBARGO_OIDC_SCOPES: 'openid email profile groups',
      EMBARGO_OIDC_ROLE_MAP: 'psirt-admins=admin; psirt-leads=lead; psirt=triager',
      EMBARGO_OIDC_CREATE_ACCOUNTS: 'true',
      EMBARGO_OIDC_LABEL: 'Test IdP',
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    await createStaffUser(t.ctx.db, glass);
    await createStaffUser(t.ctx.db, { email: 'local@example.com', displayName: 'Local Person', password: 'local-password-123', role: 'viewer' });
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
    await idp?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    contexts.push(context);
    return context.newPage();
  }

  /** Clicks "Sign in with Test IdP" and goes through the provider's login and consent forms as `login`. */
  async function ssoSignIn(page: Page, login: string): Promise<void> {
    await page.goto(`${baseUrl}/staff/login`);
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await passProvider(page, login);
  }

  async function passProvider(page: Page, login: string): Promise<void> {
    // The provider's development forms: login (any password), then consent; each only when asked.
    for (let step = 0; step < 5; step++) {
      await page.waitForLoadState();
      if (page.url().startsWith(baseUrl)) return;
      if (await page.locator('input[name="login"]').count()) {
        await page.locator('input[name="login"]').fill(login);
        await page.locator('input[name="password"]').fill('any password');
        await Promise.all([page.waitForNavigation(), page.locator('button[type="submit"]').click()]);
      } else if (await page.getByRole('button', { name: /continue/i }).count()) {
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /continue/i }).click()]);
      } else {
        await page.waitForURL((u) => u.href.startsWith(baseUrl));
      }
    }
    await page.waitForURL((u) => u.href.startsWith(baseUrl));
  }

  const account = (email: string) => t.ctx.db.selectFrom('staff_users').selectAll().where('email', '=', email).executeTakeFirst();
  const roles = async (userId: string) => (await t.ctx.db.selectFrom('memberships').select('role').where('user_id', '=', userId).execute()).map((m) => m.role);

  it('signs a new person in, creates their account and gives the role their group maps to', async () => {
    const page = await newPage();
    await ssoSignIn(page, 'ada');
    await page.waitForURL(`${baseUrl}/staff/reports`);
    const ada = await account('ada@example.com');
    assert.ok(ada, 'the account was created just in time');
    assert.equal(ada.display_name, 'Ada Lovelace');
    assert.deepEqual(await roles(ada.id), ['lead']);
    const link = await t.ctx.db.selectFrom('staff_identities').selectAll().where('user_id', '=', ada.id).executeTakeFirstOrThrow();
    assert.equal(link.issuer, idp.issuer);
    assert.equal(link.subject, 'ada');
    assert.ok(!t.logText().includes(idp.clientSecret), 'the client secret is never logged');
  });

  it('refuses someone removed from the group at their next sign-in, ends their open session, and lets them back when re-added', async () => {
    const first = await newPage();
    await ssoSignIn(first, 'ada');
    await first.waitForURL(`${baseUrl}/staff/reports`);

    idp.people.get('ada')!.groups = ['everyone'];
    const second = await newPage();
    await ssoSignIn(second, 'ada');
    await second.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    assert.match(await second.locator('main').innerText(), /not in a group that has access to Embargo/);
    const ada = (await account('ada@example.com'))!;
    assert.ok(ada.disabled_at, 'the account is deactivated');
    // The session opened before the removal stops at once.
    await first.goto(`${baseUrl}/staff/reports`);
    await first.waitForURL((u) => u.pathname === '/staff/login');

    // Back in a group (another one): signed in again, with that group's role.
    idp.people.get('ada')!.groups = ['psirt'];
    const third = await newPage();
    await ssoSignIn(third, 'ada');
    await third.waitForURL(`${baseUrl}/staff/reports`);
    assert.equal((await account('ada@example.com'))!.disabled_at, null);
    assert.deepEqual(await roles(ada.id), ['triager']);
    idp.people.get('ada')!.groups = ['psirt-leads'];
  });

  /** Signs in up to the provider's redirect back, and holds the callback (not delivered) for the test to play with. */
  async function heldCallback(page: Page, login: string): Promise<string> {
    idp.holdCallbacks = true;
    idp.held = undefined;
    try {
      await page.goto(`${baseUrl}/staff/login`);
      await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
      for (let step = 0; step < 5 && !idp.held; step++) {
        await page.waitForLoadState();
        if (await page.locator('input[name="login"]').count()) {
          await page.locator('input[name="login"]').fill(login);
          await page.locator('input[name="password"]').fill('any password');
          await Promise.all([page.waitForNavigation(), page.locator('button[type="submit"]').click()]);
        } else if (await page.getByRole('button', { name: /continue/i }).count()) {
          await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /continue/i }).click()]);
        } else {
          await page.getByText('Redirect held by the test.').waitFor();
        }
      }
    } finally {
      idp.holdCallbacks = false;
    }
    const callback = (idp.held as string | undefined) ?? '';
    assert.ok(callback.includes('code='), 'the provider answered with a code');
    return callback;
  }

  it('refuses a replayed callback, in the same browser and in another', async () => {
    const page = await newPage();
    const callback = await heldCallback(page, 'ada');
    await page.goto(callback);
    await page.waitForURL(`${baseUrl}/staff/reports`);
    const again = await page.goto(callback);
    assert.equal(again?.status(), 400);
    await page.getByRole('heading', { name: 'Sign-in link no longer valid' }).waitFor();
    const other = await newPage();
    const elsewhere = await other.goto(callback);
    assert.equal(elsewhere?.status(), 400);
    await other.goto(`${baseUrl}/staff/reports`);
    await other.waitForURL((u) => u.pathname === '/staff/login');
  });

  it('refuses a callback with a forged state', async () => {
    const page = await newPage();
    const callback = new URL(await heldCallback(page, 'ada'));
    callback.searchParams.set('state', 'forged-state-value');
    const res = await page.goto(callback.href);
    assert.equal(res?.status(), 400);
    await page.getByRole('heading', { name: 'Sign-in not accepted' }).waitFor();
    await page.goto(`${baseUrl}/staff/reports`);
    await page.waitForURL((u) => u.pathname === '/staff/login');
    assert.match(t.logText(), /single sign-on callback refused/);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const page = await newPage();
    const callback = await heldCallback(page, 'ada');
    await t.ctx.db.updateTable('staff_sso_requests').set({ nonce: 'not-the-nonce-sent' }).execute();
    const res = await page.goto(callback);
    assert.equal(res?.status(), 400);
    await page.getByRole('heading', { name: 'Sign-in not accepted' }).waitFor();
  });

  it('does not link an existing account by e-mail alone; its owner links it from the account page', async () => {
    let page = await newPage();
    await ssoSignIn(page, 'local');
    await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    assert.match(await page.locator('main').innerText(), /not linked to this identity/);
    assert.equal((await account('local@example.com'))!.disabled_at, null);

    // The break-glass admin signs in with the password (in a browser of their own: the provider
    // remembers who signed in there) and links their identity (another e-mail at the provider).
    page = await newPage();
    await page.goto(`${baseUrl}/staff/login`);
    await page.getByLabel('E-mail').fill(glass.email);
    await page.getByLabel('Password').fill(glass.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/staff/reports`);
    await page.goto(`${baseUrl}/staff/account`);
    await page.getByRole('button', { name: 'Link to Test IdP' }).click();
    await passProvider(page, 'glass');
    await page.waitForURL(`${baseUrl}/staff/account?done=sso-linked`);
    await page.getByText(`Linked to ${idp.issuer}`).waitFor();
    const user = (await account(glass.email))!;
    const link = await t.ctx.db.selectFrom('staff_identities').selectAll().where('subject', '=', 'glass').executeTakeFirstOrThrow();
    assert.equal(link.user_id, user.id);
  });
});

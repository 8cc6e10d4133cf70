/**
 * Two-step sign-in in Chromium with JavaScript off: the QR code renders under
 * the strict CSP (inline SVG, no script), enrolment, then signing in with the
 * password and the code. Screenshots land in test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { totpCode } from '../../src/staff/second-factor/totp.ts';
import { SCREENSHOTS, fillFirstAdmin, useServerAndBrowser } from '../browser/chromium.ts';
import { waitForLog } from '../helpers/embargo-process.ts';

describe('two-step sign-in in a real browser', { timeout: 90_000 }, () => {
  const suite = useServerAndBrowser();

  it('sets up an authenticator from the QR code page, then signs in with password and code', async () => {
    const page = await (await suite.browser.newContext({ javaScriptEnabled: false })).newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const [, setupPath] = await waitForLog(suite.server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await page.goto(suite.server.baseUrl + setupPath);
    const admin = { email: 'lead@example.com', name: 'Lead', password: 'a long enough passphrase' };
    await fillFirstAdmin(page, admin);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL('**/staff/reports');

    await page.getByRole('link', { name: 'Account' }).click();
    await page.waitForURL('**/staff/account');
    await page.getByRole('link', { name: 'sign-in security' }).click();
    await page.waitForURL('**/staff/account/security');
    const qr = page.getByRole('img', { name: /QR code for lead@example.com/ });
    const box = await qr.boundingBox();
    assert.ok(box && box.width >= 150 && box.height >= 150, `the QR code is drawn (${JSON.stringify(box)})`);
    await page.screenshot({ path: path.join(SCREENSHOTS, '40-second-factor-enrol.png'), fullPage: true });
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');

    await page.getByLabel('Code from the app').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    assert.equal(await page.locator('ul.recovery-codes li').count(), 10);

    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL('**/staff/login');
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/staff/login/second-factor');
    await page.screenshot({ path: path.join(SCREENSHOTS, '41-second-factor-sign-in.png'), fullPage: true });
    // The enrolment used this step's code: the next step's code (accepted one step ahead) is new.
    await page.getByLabel('Code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/staff/reports');
    assert.deepEqual(cspErrors, []);
  });
});

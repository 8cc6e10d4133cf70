/**
 * The CVSS picker on the staff report page in a real browser against a real
 * `embargo serve`: clicking base metrics writes the vector into the text
 * field, the live score is the server's (same calculator, bundled), typing
 * updates the buttons, and without JavaScript the page has only the field.
 * Screenshot in test-output/screenshots/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { waitForLog } from '../helpers/embargo-process.ts';
import { SCREENSHOTS, fillFirstAdmin, fillReportForm, useServerAndBrowser } from './chromium.ts';

const marker = randomBytes(6).toString('hex');

describe('CVSS picker in a real browser', { timeout: 90_000 }, () => {
  const suite = useServerAndBrowser();
  let page: Page;
  let reportPath = '';

  async function submitAndLoad(p: Page, button: string) {
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: button }).click()]);
    await p.waitForLoadState('load');
  }

  before(async () => {
    const { server, browser } = suite;
    const setupUrl = (await waitForLog(server, /(https?:\/\/\S+\/staff\/setup\/[A-Za-z0-9_-]+)/))[1]!;

    // The researcher without JavaScript: a plain form post (no client-side encryption to wait for).
    const researcher = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    const r = await researcher.newPage();
    await r.goto('/report');
    await fillReportForm(r, {
      title: `Command injection in the diagnostics page ${marker}`,
      product: 'example-cloud',
      version: '1.0',
      type: 'other',
      description: 'The ping field of the diagnostics page is passed to a shell unescaped.',
      steps: 'Enter 127.0.0.1; id into the ping field.',
      impact: 'Remote code execution as the web server user.',
    });
    await submitAndLoad(r, 'Send report');
    const reference = (await r.locator('.reference').first().innerText()).trim();
    assert.match(reference, /^EMB-\d{4}-\d{4}$/);
    reportPath = `/staff/reports/${reference}`;

    const staff = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
    staff.setDefaultTimeout(10_000);
    page = await staff.newPage();
    await page.goto(setupUrl);
    await fillFirstAdmin(page, { email: `admin-${marker}@example.com`, name: 'Grace Hopper', password: `correct horse ${marker}` });
    await submitAndLoad(page, 'Create administrator');
    assert.equal(new URL(page.url()).pathname, '/staff/reports');
    // The same staff session with JavaScript off, for the "page stays as today" check.
    const cookies = await staff.cookies();
    const noJs = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    await noJs.addCookies(cookies);
    const plain = await noJs.newPage();
    await plain.goto(reportPath);
    assert.equal(await plain.locator('#teamCvss').count(), 1);
    assert.equal(await plain.locator('.cvss-picker').count(), 0, 'no picker without JavaScript');
  });

  const field = () => page.locator('#teamCvss');
  const live = () => page.locator('.cvss-picker .cvss-live');
  const pick = (metric: string, value: string) => page.locator(`.cvss-picker button[data-metric="${metric}"][data-value="${value}"]`).click();

  it('clicking the base metrics writes the vector and shows the live score; saving stores the same score', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(reportPath);
    // A new report leads with its evaluation; severity waits in its group, one click away.
    await page.locator('#group-severity > summary').click();
    await page.locator('.cvss-picker').waitFor();
    assert.match(await live().innerText(), /Pick a value/);

    for (const [k, v] of [['AV', 'N'], ['AC', 'L'], ['PR', 'N'], ['UI', 'N'], ['S', 'U'], ['C', 'H'], ['I', 'H']]) await pick(k!, v!);
    assert.equal(await field().inputValue(), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H');
    assert.match(await live().innerText(), /1 base metric still to pick/);
    await pick('A', 'H');
    assert.equal(await field().inputValue(), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    assert.equal(await live().innerText(), '9.8 Critical');
    assert.equal(await page.locator('.cvss-picker button[data-metric="AV"][data-value="N"]').getAttribute('aria-pressed'), 'true');

    // Typing in the field moves the buttons and the score.
    await field().fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N');
    assert.equal(await live().innerText(), '7.5 High');
    assert.equal(await page.locator('.cvss-picker button[data-metric="I"][data-value="N"]').getAttribute('aria-pressed'), 'true');
    await pick('I', 'H');
    await pick('A', 'H');
    assert.equal(await live().innerText(), '9.8 Critical');
    await page.locator('.triage-severity').screenshot({ path: path.join(SCREENSHOTS, 'cvss-picker.png') });

    await submitAndLoad(page, 'Save severity');
    const saved = page.locator('.triage-severity dl.summary strong.severity');
    assert.match(await saved.innerText(), /^9\.8 Critical$/);
    assert.equal(await page.locator('.triage-severity dl.summary code.vector').innerText(), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    assert.equal(await live().innerText(), '9.8 Critical', 'the picker reads the saved vector back');
    assert.deepEqual(errors, [], 'no script or CSP errors');
  });

  it('switches to CVSS 4.0 keeping the shared metrics, and scores 4.0 vectors', async () => {
    await page.getByRole('button', { name: 'CVSS 4.0' }).click();
    assert.equal(await field().inputValue(), 'CVSS:4.0/AV:N/AC:L/PR:N/UI:N');
    for (const [k, v] of [['AT', 'N'], ['VC', 'H'], ['VI', 'H'], ['VA', 'H'], ['SC', 'N'], ['SI', 'N'], ['SA', 'N']]) await pick(k!, v!);
    assert.equal(await field().inputValue(), 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    assert.equal(await live().innerText(), '9.3 Critical');
    await submitAndLoad(page, 'Save severity');
    assert.match(await page.locator('.triage-severity dl.summary strong.severity').innerText(), /^9\.3 Critical$/);
    await page.locator('.triage-severity').screenshot({ path: path.join(SCREENSHOTS, 'cvss-picker-4.0.png') });
  });
});

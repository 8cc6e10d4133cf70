/**
 * The program's public face in a real browser: an administrator edits and
 * publishes the policy (preview first), the public history shows a readable
 * diff, and a researcher who chose to be credited by name appears on the
 * thanks page once their report is disclosed. Screenshots of /policy, the diff
 * and /thanks land in test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { SCREENSHOTS, fillFirstAdmin, fillReportForm, useServerAndBrowser } from './chromium.ts';

describe('public face in a real browser', { timeout: 90_000 }, () => {
  let server: EmbargoProcess;
  let staff: Page;
  let visitor: Page;
  /** The report the thanks test fixes; the advisory test publishes it. */
  let fixedReference = '';
  const suite = useServerAndBrowser();
  before(async () => {
    server = suite.server;
    staff = await (await suite.browser.newContext()).newPage();
    visitor = await (await suite.browser.newContext({ javaScriptEnabled: false })).newPage();
  });

  it('an administrator previews and publishes a new policy version; the history shows the difference', async () => {
    const [, setupPath] = await waitForLog(server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await staff.goto(server.baseUrl + setupPath);
    await fillFirstAdmin(staff, { email: 'lead@example.com', name: 'Lead', password: 'a long enough passphrase' });
    await staff.getByRole('button', { name: 'Create administrator' }).click();
    await staff.waitForURL('**/staff/reports');

    await staff.getByRole('link', { name: 'Edit policy' }).click();
    await staff.getByLabel('Rewards').fill('We thank every valid reporter with a **gift card** and public credit.');
    await staff.getByLabel('Change note').fill('Rewards: gift cards');
    await staff.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await staff.locator('.preview strong', { hasText: 'gift card' }).count(), 1);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '10-policy-editor-preview.png'), fullPage: true });
    await staff.getByRole('button', { name: /Publish version 2/ }).click();
    await staff.waitForURL('**/policy/history');

    await visitor.goto(server.baseUrl + '/policy');
    assert.match(await visitor.locator('p.meta').first().innerText(), /version 2/);
    assert.match(await visitor.locator('#rewards').innerText(), /gift card/);
    assert.match(await visitor.locator('#promises').innerText(), /within 3 business days/);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, '11-policy.png'), fullPage: true });

    await visitor.goto(server.baseUrl + '/policy/history');
    await visitor.getByRole('link', { name: 'changes from version 1' }).click();
    assert.match(await visitor.locator('ins').filter({ hasText: 'gift card' }).first().innerText(), /gift card/);
    assert.ok((await visitor.locator('del').count()) >= 2); // legend + removed text
    await visitor.screenshot({ path: path.join(SCREENSHOTS, '12-policy-diff.png'), fullPage: true });
  });

  it('a credited researcher is not named while the fixed report is under embargo', async () => {
    await visitor.goto(server.baseUrl + '/report');
    await fillReportForm(visitor, {
      title: 'Heap overflow in the image parser',
      product: 'example-gateway',
      version: '2.0',
      type: 'memory',
      description: 'A crafted PNG overflows a heap buffer in the thumbnailer.',
      steps: 'Upload the attached PNG as an avatar.',
      impact: 'Remote code execution on the gateway.',
    });
    await visitor.locator('#reporterName').fill('Katherine Johnson');
    await visitor.getByLabel('Credit me by my name').check();
    await visitor.getByRole('button', { name: 'Send report' }).click();
    const reference = (await visitor.locator('.notice .reference').innerText()).trim();
    fixedReference = reference;

    await staff.goto(`${server.baseUrl}/staff/reports/${reference}`);
    // The program promises an evaluation and a date: acknowledging is sending them.
    await staff.getByLabel('Evaluation (sent to the reporter)').fill('Confirmed: the thumbnailer trusts the IHDR width.');
    await staff.getByLabel('Expected resolution date').fill(new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10));
    await staff.getByRole('button', { name: 'Acknowledge and send' }).click();
    await staff.getByText('Evaluation sent to the reporter').waitFor();
    for (const label of ['Triaged', 'Fix in progress', 'Fixed']) {
      await staff.getByLabel('Move to').selectOption({ label });
      await staff.getByRole('button', { name: 'Change status' }).click();
      await staff.getByText('Status changed.').waitFor();
    }

    await visitor.goto(server.baseUrl + '/thanks');
    assert.equal(await visitor.locator('ul.credits li').count(), 0, 'fixed is not disclosed: naming her would reveal the report');
  });

  it('the lead drafts, previews and publishes an advisory; visitors read it and its CSAF', async () => {
    assert.ok(fixedReference, 'runs after the thanks test fixed a report');
    await staff.goto(`${server.baseUrl}/staff/reports/${fixedReference}`);
    await staff.getByRole('button', { name: 'Draft an advisory' }).click();
    await staff.getByText('Draft started from the report').waitFor();
    assert.equal(await staff.getByLabel('Title').inputValue(), 'Heap overflow in the image parser');
    assert.equal(await staff.getByLabel('Credit 1 name').inputValue(), 'Katherine Johnson', 'the reporter chose to be named');
    await staff.getByLabel('Summary').fill('A crafted PNG overflows a heap buffer in the thumbnailer. Update to 2.0.1.');
    await staff.getByLabel('Details').fill('The thumbnailer trusted the **IHDR** width. <script>alert(1)</script> stays text.');
    await staff.getByLabel('CVSS 3.1 vector').fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    await staff.getByLabel('Product 1 fixed').fill('2.0.1');
    await staff.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await staff.locator('.preview strong', { hasText: 'IHDR' }).count(), 1);
    assert.equal(await staff.locator('.preview script').count(), 0);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '14-advisory-editor-preview.png'), fullPage: true });
    await staff.getByLabel(/The disclosure is agreed/).check();
    // No disclosure date was agreed on this report (docs/disclosure.md): publishing says so explicitly.
    await staff.getByLabel('Publish before the agreed date').check();
    await staff.getByRole('button', { name: 'Publish advisory' }).click();
    await staff.getByText('Published. The advisory is public').waitFor();

    await visitor.goto(server.baseUrl + '/advisories');
    await visitor.getByRole('link', { name: 'Heap overflow in the image parser' }).click();
    assert.match(await visitor.locator('h1').innerText(), /Heap overflow in the image parser/);
    assert.match(await visitor.locator('.severity').first().innerText(), /Critical \(9\.8\)/);
    assert.match(await visitor.locator('ul.credits').innerText(), /Katherine Johnson/);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, '15-advisory.png'), fullPage: true });
    const csaf = await (await fetch(`${visitor.url()}.json`)).json();
    assert.equal(csaf.document.category, 'csaf_security_advisory');
    assert.deepEqual(csaf.document.acknowledgments.flatMap((a: { names?: string[] }) => a.names ?? []), ['Katherine Johnson']);

    await staff.goto(`${server.baseUrl}/staff/reports/${fixedReference}`);
    assert.equal(await staff.locator('span.state').first().innerText(), 'Disclosed');

    // Disclosed: now she is thanked.
    await visitor.goto(server.baseUrl + '/thanks');
    const year = String(new Date().getUTCFullYear());
    assert.equal(await visitor.getByRole('heading', { name: year }).count(), 1);
    assert.deepEqual(await visitor.locator('ul.credits li').allInnerTexts(), ['Katherine Johnson']);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, '13-thanks.png'), fullPage: true });
  });
});

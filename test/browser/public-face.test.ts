/**
 * The program's public face in a real browser: an administrator edits and
 * publishes the policy (preview first), the public history shows a readable
 * diff, and a researcher who chose to be credited by name appears on the
 * thanks page once their report is fixed. Screenshots of /policy, the diff
 * and /thanks land in test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { launchChromium } from './chromium.ts';

const shots = path.join(repoRoot, 'test-output', 'screenshots');

describe('public face in a real browser', { timeout: 90_000 }, () => {
  let server: EmbargoProcess;
  let browser: Browser;
  let staff: Page;
  let visitor: Page;

  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startEmbargo();
    browser = await launchChromium();
    staff = await (await browser.newContext()).newPage();
    visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    server?.removeFiles();
  });

  it('an administrator previews and publishes a new policy version; the history shows the difference', async () => {
    const [, setupPath] = await waitForLog(server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await staff.goto(server.baseUrl + setupPath);
    await staff.getByLabel('E-mail').fill('lead@example.com');
    await staff.getByLabel('Display name').fill('Lead');
    await staff.getByLabel('Password').fill('a long enough passphrase');
    await staff.getByRole('button', { name: 'Create administrator' }).click();
    await staff.waitForURL('**/staff/reports');

    await staff.getByRole('link', { name: 'Edit policy' }).click();
    await staff.getByLabel('Rewards').fill('We thank every valid reporter with a **gift card** and public credit.');
    await staff.getByLabel('Change note').fill('Rewards: gift cards');
    await staff.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await staff.locator('.preview strong', { hasText: 'gift card' }).count(), 1);
    await staff.screenshot({ path: path.join(shots, '10-policy-editor-preview.png'), fullPage: true });
    await staff.getByRole('button', { name: /Publish version 2/ }).click();
    await staff.waitForURL('**/policy/history');

    await visitor.goto(server.baseUrl + '/policy');
    assert.match(await visitor.locator('p.meta').first().innerText(), /version 2/);
    assert.match(await visitor.locator('#rewards').innerText(), /gift card/);
    assert.match(await visitor.locator('#promises').innerText(), /within 3 business days/);
    await visitor.screenshot({ path: path.join(shots, '11-policy.png'), fullPage: true });

    await visitor.goto(server.baseUrl + '/policy/history');
    await visitor.getByRole('link', { name: 'changes from version 1' }).click();
    assert.match(await visitor.locator('ins').filter({ hasText: 'gift card' }).first().innerText(), /gift card/);
    assert.ok((await visitor.locator('del').count()) >= 2); // legend + removed text
    await visitor.screenshot({ path: path.join(shots, '12-policy-diff.png'), fullPage: true });
  });

  it('a credited researcher appears on the thanks page once the report is fixed', async () => {
    await visitor.goto(server.baseUrl + '/report');
    await visitor.getByLabel('Title', { exact: true }).fill('Heap overflow in the image parser');
    await visitor.getByLabel('Affected product').selectOption('example-gateway');
    await visitor.getByLabel('Affected version').fill('2.0');
    await visitor.getByLabel('Kind of vulnerability').selectOption('memory');
    await visitor.getByLabel('Description').fill('A crafted PNG overflows a heap buffer in the thumbnailer.');
    await visitor.getByLabel('Steps to reproduce').fill('Upload the attached PNG as an avatar.');
    await visitor.getByLabel('Impact').fill('Remote code execution on the gateway.');
    await visitor.locator('#reporterName').fill('Katherine Johnson');
    await visitor.getByLabel('Credit me by my name').check();
    await visitor.getByLabel(/I have read the/).check();
    await visitor.getByRole('button', { name: 'Send report' }).click();
    const reference = (await visitor.locator('.notice .reference').innerText()).trim();

    await staff.goto(`${server.baseUrl}/staff/reports/${reference}`);
    for (const label of ['Acknowledged', 'Triaged', 'Fix in progress', 'Fixed']) {
      await staff.getByLabel('Move to').selectOption({ label });
      await staff.getByRole('button', { name: 'Change status' }).click();
      await staff.getByText('Status changed.').waitFor();
    }

    await visitor.goto(server.baseUrl + '/thanks');
    const year = String(new Date().getUTCFullYear());
    assert.equal(await visitor.getByRole('heading', { name: year }).count(), 1);
    assert.deepEqual(await visitor.locator('ul.credits li').allInnerTexts(), ['Katherine Johnson']);
    await visitor.screenshot({ path: path.join(shots, '13-thanks.png'), fullPage: true });
  });
});

/**
 * The program's public face in a real browser: an administrator edits and
 * publishes the policy (preview first), the public history shows a readable
 * diff, and a researcher who chose to be credited by name appears on the
 * thanks page once their report is fixed. Screenshots of /policy, the diff
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

  it('a credited researcher appears on the thanks page once the report is fixed', async () => {
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
    await visitor.screenshot({ path: path.join(SCREENSHOTS, '13-thanks.png'), fullPage: true });
  });
});

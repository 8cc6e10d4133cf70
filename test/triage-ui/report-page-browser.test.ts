/**
 * The staff report page with its triage panels in Chromium, JavaScript off
 * (every triage form must work without it): the SLA clocks, the team's CVSS
 * score next to the reporter's suggestion, and the CWE. Screenshot:
 * test-output/screenshots/30-triage-report-page.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium.ts';
import { repoRoot, startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';

const shots = path.join(repoRoot, 'test-output', 'screenshots');

describe('triage panels in a real browser', { timeout: 90_000 }, () => {
  let server: EmbargoProcess;
  let browser: Browser;
  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startEmbargo();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    server?.removeFiles();
  });

  it('shows the clocks and saves severity and CWE without JavaScript', async () => {
    const researcher = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await researcher.goto(server.baseUrl + '/report');
    await researcher.getByLabel('Title').fill('SQL injection in the device search');
    await researcher.getByLabel('Affected product').selectOption('example-cloud');
    await researcher.getByLabel('Affected version').fill('4.2');
    await researcher.getByLabel('Kind of vulnerability').selectOption('sqli');
    await researcher.getByLabel('Description').fill('The q parameter of /devices/search is concatenated into SQL.');
    await researcher.getByLabel('Steps to reproduce').fill("1. Search for ' OR 1=1 --");
    await researcher.getByLabel('Impact').fill('Read every tenant’s devices.');
    const cvss = researcher.getByLabel(/CVSS/);
    if (await cvss.count()) await cvss.first().fill('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N');
    await researcher.getByLabel(/I have read the/).check();
    await researcher.getByRole('button', { name: 'Send report' }).click();
    const reference = (await researcher.locator('strong.reference').first().innerText()).trim();

    const staff = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 900 } })).newPage();
    const [, setupPath] = await waitForLog(server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await staff.goto(server.baseUrl + setupPath);
    await staff.getByLabel('E-mail').fill('lead@example.com');
    await staff.getByLabel('Display name').fill('Lead');
    await staff.getByLabel('Password').fill('a long enough passphrase');
    await staff.getByRole('button', { name: 'Create administrator' }).click();
    await staff.waitForURL('**/staff/reports');

    await staff.goto(`${server.baseUrl}/staff/reports/${reference}`);
    await staff.getByLabel('Team’s CVSS vector').fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    await staff.getByRole('button', { name: 'Save severity' }).click();
    await staff.getByText('Severity saved.').waitFor();
    assert.match(await staff.locator('.triage-severity').innerText(), /9\.8 Critical/);
    await staff.getByRole('button', { name: /CWE-89:/ }).first().click();
    await staff.getByText('Weakness saved.').waitFor();
    assert.match(await staff.locator('.triage-severity').innerText(), /CWE-89/);
    const clocks = await staff.locator('table.clocks').innerText();
    assert.match(clocks, /First response/);
    assert.match(clocks, /Europe\/Amsterdam/);
    await staff.screenshot({ path: path.join(shots, '30-triage-report-page.png'), fullPage: true });

    await staff.goto(`${server.baseUrl}/staff/reports/due`);
    assert.match(await staff.locator('table.due').innerText(), new RegExp(reference));
    await staff.screenshot({ path: path.join(shots, '31-due-view.png'), fullPage: true });
  });
});

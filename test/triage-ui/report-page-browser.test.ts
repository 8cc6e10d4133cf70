/**
 * The staff report page with its triage panels in Chromium, JavaScript off
 * (every triage form must work without it): the SLA clocks, the team's CVSS
 * score next to the reporter's suggestion, and the CWE. Screenshot:
 * test-output/screenshots/30-triage-report-page.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SCREENSHOTS, fillFirstAdmin, fillReportForm, useServerAndBrowser } from '../browser/chromium.ts';
import { waitForLog } from '../helpers/embargo-process.ts';

describe('triage panels in a real browser', { timeout: 90_000 }, () => {
  const suite = useServerAndBrowser();

  it('shows the clocks and saves severity and CWE without JavaScript', async () => {
    const { server, browser } = suite;
    const researcher = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await researcher.goto(server.baseUrl + '/report');
    await fillReportForm(researcher, {
      title: 'SQL injection in the device search',
      product: 'example-cloud',
      version: '4.2',
      type: 'sqli',
      // Long enough not to look like spam: the Due view leaves quarantined reports out.
      description: 'The q parameter of /devices/search is concatenated into the SQL query without escaping, so a quote ends the string and the rest runs as SQL.',
      steps: "1. Sign in as any tenant user\n2. Search for ' OR 1=1 --\n3. Every tenant's devices are listed",
      impact: 'Any tenant reads every other tenant’s devices and their configuration secrets.',
    });
    const cvss = researcher.getByLabel(/CVSS/);
    if (await cvss.count()) await cvss.first().fill('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N');
    await researcher.getByRole('button', { name: 'Send report' }).click();
    const reference = (await researcher.locator('strong.reference').first().innerText()).trim();

    const staff = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 900 } })).newPage();
    const [, setupPath] = await waitForLog(server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await staff.goto(server.baseUrl + setupPath);
    await fillFirstAdmin(staff, { email: 'lead@example.com', name: 'Lead', password: 'a long enough passphrase' });
    await staff.getByRole('button', { name: 'Create administrator' }).click();
    await staff.waitForURL('**/staff/reports');

    await staff.goto(`${server.baseUrl}/staff/reports/${reference}`);
    // A new report leads with its evaluation; severity waits in its group, one click away.
    await staff.locator('#group-severity > summary').click();
    await staff.getByLabel('Team’s CVSS vector').fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    await staff.getByRole('button', { name: 'Save severity' }).click();
    await staff.getByText('Severity saved.').waitFor();
    assert.match(await staff.locator('.triage-severity').innerText(), /9\.8 Critical/);
    await staff.getByRole('button', { name: /CWE-89:/ }).first().click();
    await staff.getByText('Weakness saved.').waitFor();
    assert.match(await staff.locator('.triage-severity').innerText(), /CWE-89/);
    await staff.locator('details.all-clocks > summary').click();
    const clocks = await staff.locator('table.clocks').innerText();
    assert.match(clocks, /First response/);
    assert.match(clocks, /Europe\/Amsterdam/);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '30-triage-report-page.png'), fullPage: true });

    await staff.goto(`${server.baseUrl}/staff/reports/due`);
    assert.match(await staff.locator('table.due').innerText(), new RegExp(reference));
    await staff.screenshot({ path: path.join(SCREENSHOTS, '31-due-view.png'), fullPage: true });
  });
});

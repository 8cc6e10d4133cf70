/**
 * Multi-party coordination in a real browser, without JavaScript: an admin
 * invites a vendor from the report page, the invitation arrives by SMTP, the
 * vendor walks through its private page (status, fix date, a message, another
 * disclosure date), the team reads it, then revokes the vendor and its link
 * stops working. Screenshots: test-output/screenshots/70-party-page.png, 71-coordination-group.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { SCREENSHOTS, fillFirstAdmin, fillReportForm, launchChromium } from './chromium.ts';
import { startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const PARTY_LINK = /(\/party\/[A-Za-z0-9_-]{43})/;

describe('an invited party’s page in a real browser', { timeout: 240_000 }, () => {
  let server: EmbargoProcess;
  let browser: Browser;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    sink = await startSmtpSink();
    server = await startEmbargo({ env: { EMBARGO_SMTP_URL: sink.url } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    server?.removeFiles();
    await sink?.close();
  });

  it('invites by mail, lets the party answer without JavaScript, and revoking ends its access', async () => {
    const researcher = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await researcher.goto(server.baseUrl + '/report');
    await fillReportForm(researcher, {
      title: 'Heap overflow in the shared image decoder',
      product: 'example-cloud',
      version: '4.2',
      type: 'other',
      description: 'The PNG chunk length is trusted; libimg copies past the buffer.',
      steps: 'Upload the attached PNG as an avatar.',
      impact: 'Remote code execution in the thumbnail worker.',
    });
    await researcher.getByRole('button', { name: 'Send report' }).click();
    const reference = (await researcher.locator('strong.reference').first().innerText()).trim();

    const staff = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })).newPage();
    const [, setupPath] = await waitForLog(server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await staff.goto(server.baseUrl + setupPath);
    await fillFirstAdmin(staff, { email: 'lead@example.com', name: 'Lead', password: 'a long enough passphrase' });
    await staff.getByRole('button', { name: 'Create administrator' }).click();
    await staff.waitForURL('**/staff/reports');
    const url = `${server.baseUrl}/staff/reports/${reference}`;
    await staff.goto(url);
    await staff.locator('#group-coordination > summary').click();
    await staff.getByLabel('Organisation or person').fill('libimg <maintainers>');
    await staff.getByLabel('E-mail', { exact: true }).fill('security@libimg.example');
    await staff.getByLabel('Role', { exact: true }).selectOption('maintainer');
    await staff.getByRole('button', { name: 'Invite by e-mail' }).click();
    await staff.getByText('Party invited; its private link is on its way by e-mail.').waitFor();

    // The worker mails the invitation through the SMTP relay.
    let link: string | undefined;
    for (let i = 0; i < 100 && !link; i++) {
      link = PARTY_LINK.exec(sink.mails.map((m) => m.raw.replace(/=\r\n/g, '')).join('\n'))?.[1];
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, 'the invitation arrived with the private link');

    const party = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 900 } })).newPage();
    await party.goto(server.baseUrl + link);
    assert.match(await party.locator('h1').innerText(), new RegExp(`${reference}: Heap overflow`));
    assert.match(await party.locator('body').innerText(), /The reporter chose not to be named/);
    await party.getByLabel('Status', { exact: true }).selectOption('engaged');
    await party.getByLabel('Expected fix date (optional)').fill('2027-01-15');
    await party.getByRole('button', { name: 'Save status' }).click();
    await party.getByText('Your status was saved.').waitFor();
    await party.getByLabel('Write to the security team').fill('Confirmed in libimg 1.9; a fix lands in 1.9.1.');
    await party.getByRole('button', { name: 'Send', exact: true }).click();
    await party.getByText('Your message was sent to the security team.').waitFor();
    await party.locator('input[name="disclosureDate"]').fill('2027-02-01');
    await party.locator('input[name="disclosureTimeZone"]').fill('Europe/Berlin');
    await party.getByLabel('Why another date').fill('Distributions need two weeks after our release.');
    await party.getByRole('button', { name: 'Propose this date' }).click();
    await party.getByText('Your answer to the disclosure date was saved.').waitFor();
    const text = await party.locator('body').innerText();
    assert.match(text, /Engaged/);
    assert.match(text, /2027-01-15/);
    assert.match(text, /Confirmed in libimg 1\.9/);
    assert.match(text, /You proposed another date: Monday 1 February 2027, 09:00 \(Europe\/Berlin\)/);
    assert.equal(await party.locator('script').count(), 0, 'the page has no script');
    await party.screenshot({ path: path.join(SCREENSHOTS, '70-party-page.png'), fullPage: true });

    await staff.goto(url);
    await staff.locator('#group-coordination > summary').click();
    const group = await staff.locator('#group-coordination').innerText();
    assert.match(group, /Party 1 \(upstream maintainer\): libimg <maintainers>/);
    assert.match(group, /Engaged · fix expected 2027-01-15/);
    assert.match(group, /Confirmed in libimg 1\.9/);
    assert.match(await staff.locator('.report-thread').innerText(), /Party 1 \(upstream maintainer\) set its status: Engaged, fix expected 2027-01-15\./);
    await staff.locator('#group-coordination').screenshot({ path: path.join(SCREENSHOTS, '71-coordination-group.png') });
    await staff.getByRole('button', { name: 'Revoke access' }).click();
    await staff.getByText('Party revoked: its link no longer works.').waitFor();

    const gone = await party.goto(server.baseUrl + link);
    assert.equal(gone?.status(), 410);
  });
});

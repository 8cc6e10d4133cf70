/**
 * Multi-party coordination in a real browser, without JavaScript: an admin
 * invites a vendor from the report page, the invitation arrives by SMTP, the
 * vendor walks through its private page (status, fix date, a message, another
 * disclosure date), the team reads it; a second party is invited and does not
 * see a message written to the first; the reporter chooses to be named; the
 * reporter can agree to the team's date only once the engaged party accepted
 * it; then the team revokes the first party and its link stops working. Screenshots: test-output/screenshots/70-party-page.png, 71-coordination-group.png.
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

  /** The private link of the invitation the worker mailed to `address` through the SMTP relay. */
  async function linkMailedTo(address: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const mail = sink.mails.find((m) => m.to.includes(address));
      const link = mail && PARTY_LINK.exec(mail.raw.replace(/=\r\n/g, ''))?.[1];
      if (link) return link;
      await new Promise((r) => setTimeout(r, 100));
    }
    return assert.fail(`no invitation with a private link reached ${address}`);
  }

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
    await researcher.locator('input[name="reporterName"]').fill('Grace Hopper');
    await researcher.getByRole('button', { name: 'Send report' }).click();
    const reference = (await researcher.locator('strong.reference').first().innerText()).trim();
    const trackingUrl = researcher.url().split('?')[0]!;

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

    const link = await linkMailedTo('security@libimg.example');

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

    // A second party, and a message written to the first party only: the second never sees it.
    await staff.getByLabel('Organisation or person').fill('Acme PSIRT');
    await staff.getByLabel('E-mail', { exact: true }).fill('psirt@acme.example');
    await staff.getByLabel('Role', { exact: true }).selectOption('vendor');
    await staff.getByRole('button', { name: 'Invite by e-mail' }).click();
    await staff.getByText('Party invited; its private link is on its way by e-mail.').waitFor();
    const vendorLink = await linkMailedTo('psirt@acme.example');
    await staff.goto(url);
    await staff.locator('#group-coordination > summary').click();
    const write = staff.locator('form[action$="/parties/messages"]');
    await write.getByLabel('Message (only the parties ticked read it; the reporter does not)').fill('ONLY-FOR-LIBIMG: the fix is on branch cve-fix.');
    await write.getByLabel(/Party 1 \(upstream maintainer\), libimg <maintainers>/).check();
    await write.getByRole('button', { name: 'Send to the parties ticked' }).click();
    await party.goto(server.baseUrl + link);
    assert.match(await party.locator('body').innerText(), /ONLY-FOR-LIBIMG: the fix is on branch cve-fix\./);
    const vendor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await vendor.goto(server.baseUrl + vendorLink);
    const vendorText = await vendor.locator('body').innerText();
    assert.match(vendorText, /Heap overflow in the shared image decoder/);
    assert.doesNotMatch(vendorText, /ONLY-FOR-LIBIMG/, 'a message for another party');
    assert.doesNotMatch(vendorText, /Grace Hopper/, 'the reporter is not named by default');

    // The reporter chooses to be named on the tracking page; the parties then see the name.
    await researcher.goto(trackingUrl);
    await researcher.getByLabel('Yes, they may see my name').check();
    await researcher.getByRole('button', { name: 'Save this choice' }).click();
    await researcher.getByText('Your choice was saved.').waitFor();
    await vendor.reload();
    assert.match(await vendor.locator('body').innerText(), /Reported by Grace Hopper\./);

    // The team proposes a date: the reporter cannot agree before the engaged party (libimg) accepts it.
    await staff.goto(url);
    await staff.locator('#group-disclosure > summary').click();
    await staff.locator('#staff-disclosureDate').fill('2027-03-02');
    await staff.locator('#staff-disclosureTime').fill('10:00');
    await staff.locator('#staff-disclosureTimeZone').fill('Europe/Amsterdam');
    await staff.getByRole('button', { name: 'Propose to the reporter' }).click();
    await researcher.goto(trackingUrl);
    await researcher.getByRole('button', { name: 'I agree to this date' }).click();
    assert.match(await researcher.locator('body').innerText(), /every engaged party must accept it first/);
    await party.goto(server.baseUrl + link);
    await party.getByRole('button', { name: 'Accept this date' }).click();
    await party.getByText('Your answer to the disclosure date was saved.').waitFor();
    await researcher.goto(trackingUrl);
    await researcher.getByRole('button', { name: 'I agree to this date' }).click();
    await researcher.waitForURL((u) => u.pathname === new URL(trackingUrl).pathname);
    assert.doesNotMatch(await researcher.locator('body').innerText(), /every engaged party must accept it first/);
    await staff.goto(url);
    await staff.locator('#group-disclosure > summary').click();
    const answers = await staff.locator('#group-disclosure').innerText();
    assert.match(answers, /Party 1 \(upstream maintainer\), libimg <maintainers>: accepted this date/);
    assert.match(answers, /Party 2 \(affected vendor\), Acme PSIRT: no answer yet \(invited: not needed for agreement\)/);
    const row = await staff.locator('.disclosure-panel').innerText();
    assert.match(row, /agreed/i);

    await staff.locator('#group-coordination > summary').click();
    await staff.getByRole('button', { name: 'Revoke access' }).first().click();
    await staff.getByText('Party revoked: its link no longer works.').waitFor();

    const gone = await party.goto(server.baseUrl + link);
    assert.equal(gone?.status(), 410);
  });
});

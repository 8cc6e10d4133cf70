/**
 * The staff report page leads to the next step (issue 10), in Chromium at
 * 1280 px and 375 px: what the report needs next is in the first screen by
 * state (new: the evaluation form; acknowledged: severity and fix date;
 * fixed: advisory and disclosure), status and assignee are in view, nothing
 * overflows sideways on a phone, and the page is a fraction of the old
 * 5,300 px. The message box opens on "internal note" and marks a reply;
 * "Insert" puts a canned response into the draft, with JavaScript at the
 * cursor and without it by a round trip that sends nothing.
 * Screenshots: test-output/screenshots/40-… to 45-….
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOTS, fillFirstAdmin, fillReportForm, useServerAndBrowser } from './chromium.ts';
import { waitForLog } from '../helpers/embargo-process.ts';

/**
 * The page before the redesign (staff-report-page.tsx of commit 919872d, on the
 * same code otherwise), a new web report like this one: 5,286 px tall at
 * 1280 px with the acknowledge button at y = 2,729; 7,810 px at 375 px, which
 * scrolled 199 px sideways.
 */
const HEIGHT_BEFORE = 5286;

/** The element's box, fully inside the first screen of the page (scrolled to the top). */
async function inFirstScreen(page: Page, locator: Locator): Promise<{ top: number; bottom: number }> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is rendered');
  const height = page.viewportSize()!.height;
  assert.ok(box.y >= 0 && box.y + box.height <= height, `expected within the first ${height} px, found at ${Math.round(box.y)}–${Math.round(box.y + box.height)}`);
  return { top: Math.round(box.y), bottom: Math.round(box.y + box.height) };
}

const pageHeight = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);
/** Content wider than the viewport makes the page scroll sideways. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the staff report page in a real browser, 1280 px and 375 px', { timeout: 240_000 }, () => {
  const suite = useServerAndBrowser();

  it('puts the next step first by state, fits a phone, and keeps the message box safe', async (t) => {
    const { server, browser } = suite;
    const researcher = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await researcher.goto(server.baseUrl + '/report');
    await fillReportForm(researcher, {
      title: 'SQL injection in the device search',
      product: 'example-cloud',
      version: '4.2',
      type: 'sqli',
      description: 'The q parameter of /devices/search is concatenated into the SQL query without escaping, so a quote ends the string and the rest runs as SQL with the application’s rights.',
      steps: "1. Sign in as any tenant user\n2. Search for ' OR 1=1 --\n3. Every tenant's devices are listed",
      impact: 'Any tenant reads every other tenant’s devices and their configuration secrets.',
    });
    await researcher.getByRole('button', { name: 'Send report' }).click();
    const reference = (await researcher.locator('strong.reference').first().innerText()).trim();

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    const staff = await context.newPage();
    const [, setupPath] = await waitForLog(server, /(\/staff\/setup\/[A-Za-z0-9_-]{43})/);
    await staff.goto(server.baseUrl + setupPath);
    await fillFirstAdmin(staff, { email: 'lead@example.com', name: 'Lead', password: 'a long enough passphrase' });
    await staff.getByRole('button', { name: 'Create administrator' }).click();
    await staff.waitForURL('**/staff/reports');
    await staff.goto(server.baseUrl + '/staff/canned-responses');
    await staff.getByLabel('Title').fill('Ask for a proof of concept');
    await staff.getByLabel(/^Text/).fill('Could you send a proof of concept for {{reference}}?');
    await staff.getByRole('button', { name: 'Add template' }).click();
    await staff.getByText('Template added.').waitFor();
    const url = `${server.baseUrl}/staff/reports/${reference}`;

    // New: the evaluation form, status and assignee in the first screen; the page a fraction of what it was.
    await staff.goto(url);
    assert.equal(await staff.locator('#next-step-h').innerText(), 'Evaluate and acknowledge');
    const ack = await inFirstScreen(staff, staff.getByRole('button', { name: 'Acknowledge and send' }));
    await inFirstScreen(staff, staff.locator('#evaluation'));
    await inFirstScreen(staff, staff.getByLabel('Move to'));
    await inFirstScreen(staff, staff.getByRole('button', { name: 'Assign' }));
    assert.match(await staff.locator('.report-facts').innerText(), /New[\s\S]*not scored[\s\S]*nobody[\s\S]*First response by/);
    const newHeight = await pageHeight(staff);
    assert.equal(await overflow(staff), 0, 'no sideways scrolling at 1280 px');
    assert.ok(newHeight < HEIGHT_BEFORE / 2, `the page is ${newHeight} px tall; it was ${HEIGHT_BEFORE} px`);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '40-report-page-new-1280.png'), fullPage: true });

    await staff.setViewportSize({ width: 375, height: 740 });
    await staff.goto(url);
    assert.equal(await overflow(staff), 0, 'no sideways scrolling at 375 px');
    const y = async (l: Locator) => (await l.boundingBox())!.y;
    const order = [await y(staff.locator('.next-step')), await y(staff.locator('.quick-actions')), await y(staff.locator('.report-body')), await y(staff.locator('#timeline')), await y(staff.locator('.report-groups'))];
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'on a phone: next step, status and assignee, the report, the thread, then the groups');
    const width = async (l: Locator) => Math.round((await l.boundingBox())!.width);
    assert.equal(await width(staff.locator('.quick-actions')), await width(staff.locator('.next-step')), 'the cards take the full width');
    const phoneHeight = await pageHeight(staff);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '41-report-page-new-375.png'), fullPage: true });
    t.diagnostic(`new report: ${newHeight} px tall at 1280 px (before: ${HEIGHT_BEFORE}), acknowledge button at ${ack.top}–${ack.bottom} px; ${phoneHeight} px at 375 px`);

    // The message box without JavaScript: internal by default; "Insert" keeps the draft and sends nothing.
    // The next step's shortcuts open their group (fragment navigation reveals a closed <details>, no script needed).
    await staff.setViewportSize({ width: 1280, height: 800 });
    await staff.goto(url);
    assert.equal(await staff.locator('#group-duplicates').getAttribute('open'), null);
    await staff.getByRole('link', { name: 'Mark the duplicate' }).click();
    await staff.waitForFunction(() => (document.getElementById('group-duplicates') as HTMLDetailsElement).open);
    await staff.getByRole('button', { name: 'Mark as duplicate' }).waitFor();

    await staff.goto(url);
    assert.equal(await staff.getByRole('radio', { name: /Internal note/ }).isChecked(), true);
    assert.equal(await staff.getByRole('radio', { name: /Reply to the reporter/ }).isChecked(), false);
    assert.equal(await staff.getByRole('button', { name: 'Add internal note' }).count(), 1);
    assert.equal(await staff.getByText('This message goes to the reporter.').isVisible(), false);
    await staff.getByLabel('Message', { exact: true }).fill('Thanks, we are on it.');
    await staff.getByLabel('Canned response').selectOption({ label: 'Ask for a proof of concept' });
    await staff.getByRole('button', { name: 'Insert' }).click();
    await staff.waitForLoadState();
    assert.equal(await staff.getByLabel('Message', { exact: true }).inputValue(), `Thanks, we are on it.\n\nCould you send a proof of concept for ${reference}?`);
    assert.equal(await staff.locator('ol.timeline li.message').count(), 0, 'nothing was sent');
    await staff.getByRole('radio', { name: /Reply to the reporter/ }).check();
    assert.equal(await staff.getByText('This message goes to the reporter.').isVisible(), true, 'a reply is marked before it is sent');
    assert.equal(await staff.getByRole('button', { name: 'Send to the reporter' }).isVisible(), true);
    await staff.locator('section.composer').screenshot({ path: path.join(SCREENSHOTS, '42-report-composer-reply.png') });
    await staff.getByRole('radio', { name: /Internal note/ }).check();
    await staff.getByRole('button', { name: 'Add internal note' }).click();
    await staff.getByText('Internal note saved.').waitFor();

    // With JavaScript: "Insert" puts the text at the cursor, without a round trip.
    const withJs = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await withJs.addCookies(await context.cookies());
    const js = await withJs.newPage();
    const errors: string[] = [];
    js.on('pageerror', (e) => errors.push(e.message));
    js.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await js.goto(url);
    const body = js.getByLabel('Message', { exact: true });
    await body.fill('Hello,\n\nRegards, the team');
    await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange('Hello,\n\n'.length, 'Hello,\n\n'.length));
    await js.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await js.getByLabel('Canned response').selectOption({ label: 'Ask for a proof of concept' });
    await js.getByRole('button', { name: 'Insert' }).click();
    assert.equal(await body.inputValue(), `Hello,\n\nCould you send a proof of concept for ${reference}?Regards, the team`);
    assert.equal(await js.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'no round trip');
    assert.equal(await js.locator('ol.timeline li.message').count(), 1, 'only the note saved above');
    assert.deepEqual(errors, [], 'no script or CSP errors');

    // Acknowledged: severity and the fix date come first.
    await staff.goto(url);
    await staff.locator('#evaluation').fill('Confirmed on 4.2; every tenant is exposed.');
    await staff.getByLabel('Expected resolution date').fill(new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10));
    await staff.getByRole('button', { name: 'Acknowledge and send' }).click();
    await staff.getByText('Evaluation sent to the reporter').waitFor();
    assert.equal(await staff.locator('#next-step-h').innerText(), 'Severity and fix date');
    await inFirstScreen(staff, staff.getByLabel('Team’s CVSS vector'));
    await inFirstScreen(staff, staff.getByRole('button', { name: 'Save severity' }));
    await staff.getByLabel('Team’s CVSS vector').fill('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N');
    await staff.getByRole('button', { name: 'Save severity' }).click();
    await staff.getByText('Severity saved.').waitFor();
    assert.match(await staff.locator('.report-facts').innerText(), /6\.5 Medium/);
    const ackHeight = await pageHeight(staff);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '43-report-page-acknowledged-1280.png'), fullPage: true });

    // Fixed: the advisory and the disclosure date come first.
    for (const label of ['Triaged', 'Fix in progress', 'Fixed']) {
      await inFirstScreen(staff, staff.getByLabel('Move to'));
      await staff.getByLabel('Move to').selectOption({ label });
      await staff.getByRole('button', { name: 'Change status' }).click();
      await staff.getByText('Status changed.').waitFor();
    }
    assert.equal(await staff.locator('#next-step-h').innerText(), 'Advisory and disclosure');
    await inFirstScreen(staff, staff.getByRole('button', { name: 'Draft an advisory' }));
    await inFirstScreen(staff, staff.getByText('Propose a date'));
    const fixedHeight = await pageHeight(staff);
    await staff.screenshot({ path: path.join(SCREENSHOTS, '44-report-page-fixed-1280.png'), fullPage: true });
    await staff.setViewportSize({ width: 375, height: 740 });
    await staff.goto(url);
    assert.equal(await overflow(staff), 0, 'no sideways scrolling at 375 px');
    await staff.locator('details.all-clocks > summary').click();
    await staff.locator('#group-severity > summary').click();
    assert.equal(await overflow(staff), 0, 'opened groups and the clocks table do not scroll the page sideways either');
    await staff.screenshot({ path: path.join(SCREENSHOTS, '45-report-page-fixed-375.png'), fullPage: true });
    t.diagnostic(`acknowledged: ${ackHeight} px at 1280 px; fixed: ${fixedHeight} px at 1280 px`);
  });
});

/**
 * The whole disclosure conversation in a real browser against a real
 * `embargo serve` process on the embedded database:
 * a researcher without JavaScript reports (with a validation round-trip and
 * an attachment), the first administrator signs up through the logged setup
 * link, triages the report, writes a note and a reply, the researcher
 * follows up on the tracking page, and the log never holds a secret.
 *
 * Screenshots land in test-output/screenshots/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { repoRoot, startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { launchChromium } from './chromium.ts';

const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');
const ACTION_TIMEOUT_MS = 10_000;
/** Screenshots taken when a step fails; cleared at the start of each run. */
const FAILED_PREFIX = 'FAILED-report-flow-';

const marker = randomBytes(6).toString('hex');
const XSS = '<img src=x onerror=alert(1)>';
const report = {
  title: `Stored XSS in the widget preview ${marker}`,
  titleWord: 'widget',
  productId: 'example-cloud',
  productName: 'Example Cloud',
  version: '4.2.1',
  vulnType: 'xss',
  description: `The widget preview renders the profile bio as HTML. A bio of ${XSS} runs script for every viewer. desc-${marker}`,
  steps: `1. Set the profile bio to <script>window.__pwned = 1</script>\n2. Open the widget preview. steps-${marker}`,
  impact: `Session theft of any user who opens the preview. impact-${marker}`,
  name: 'Ada Lovelace',
  email: `ada-${marker}@example.org`,
  attachment: { name: 'poc.html', mimeType: 'text/html', buffer: Buffer.from(`<!doctype html><p>proof of concept ${marker}</p>\n`) },
};
const admin = { email: `admin-${marker}@example.com`, displayName: 'Grace Hopper', password: `correct horse ${marker}` };
const internalNote = `Internal: reproduced on staging, looks like the sanitizer bypass. note-${marker}`;
const staffReply = `Thank you, we can reproduce this and aim to ship a fix within 30 days. reply-${marker}`;
const stateReason = `Confirmed on 4.2.1 reason-${marker}`;
const researcherReply = `Great, happy to test the fix when it is ready. answer-${marker}`;

describe('report flow in a real browser (embedded database)', { timeout: 90_000 }, () => {
  let server: EmbargoProcess | undefined;
  let browser: Browser | undefined;
  let researcher: BrowserContext;
  let staff: BrowserContext;
  let researcherPage: Page;
  let staffPage: Page;
  let serverExit: number | string | undefined;
  const dialogs: string[] = [];

  // Filled in as the story goes.
  let setupUrl = '';
  let reference = '';
  let trackingUrl = '';
  let trackingToken = '';

  /** Steps depend on each other: after the first failure the rest are skipped, not failed. */
  let broken: string | undefined;
  function step(name: string, fn: () => Promise<void>) {
    it(name, async (t) => {
      if (broken) return t.skip(`skipped: "${broken}" failed`);
      try {
        await fn();
      } catch (err) {
        broken = name;
        const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
        for (const [who, page] of [['researcher', researcherPage], ['staff', staffPage]] as const) {
          await page?.screenshot({ path: path.join(screenshotDir, `${FAILED_PREFIX}${slug}-${who}.png`), fullPage: true }).catch(() => {});
        }
        if (server) t.diagnostic(`server stderr:\n${server.stderr()}\nlast server log lines:\n${server.stdout().split('\n').slice(-15).join('\n')}`);
        throw err;
      }
    });
  }

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  }

  /** Clicks a submit button and returns the status of the POST it causes, once the answer (after any redirect) has loaded. */
  async function submit(page: Page, button: Locator): Promise<number> {
    const response = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest());
    const navigated = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
    await button.click();
    const status = (await response).status();
    await navigated;
    await page.waitForLoadState('load');
    return status;
  }

  before(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    for (const f of readdirSync(screenshotDir)) if (f.startsWith(FAILED_PREFIX)) rmSync(path.join(screenshotDir, f));
    // debug: every request is logged (at info only errors are), so the redaction of URLs shows.
    server = await startEmbargo({ env: { EMBARGO_LOG_LEVEL: 'debug' } });
    browser = await launchChromium();
    researcher = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false, viewport: { width: 1100, height: 800 } });
    staff = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: true, acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    researcher.setDefaultTimeout(ACTION_TIMEOUT_MS);
    staff.setDefaultTimeout(ACTION_TIMEOUT_MS);
    researcherPage = await researcher.newPage();
    staffPage = await staff.newPage();
    // Any dialog means injected script ran somewhere.
    for (const page of [researcherPage, staffPage]) {
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
    }
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      await server.stop();
      server.removeFiles();
    }
  });

  step('the server logs a one-time setup link for the first administrator', async () => {
    const m = await waitForLog(server!, /(https?:\/\/\S+\/staff\/setup\/[A-Za-z0-9_-]+)/);
    setupUrl = m[1]!;
    assert.ok(setupUrl.startsWith(server!.baseUrl + '/staff/setup/'), setupUrl);
  });

  step('researcher (no JavaScript) gets field-level errors and keeps what was typed', async () => {
    const page = researcherPage;
    const res = await page.goto('/report');
    assert.equal(res?.status(), 200);
    await page.getByLabel('Title').fill(report.title);
    const status = await submit(page, page.getByRole('button', { name: 'Send report' }));
    assert.equal(status, 422);
    assert.equal(new URL(page.url()).pathname, '/report');

    const summary = page.getByRole('alert');
    await summary.waitFor();
    assert.match(await summary.innerText(), /There is a problem/);
    const summaryText = await summary.innerText();
    for (const expected of [/Affected product/, /Description/, /Steps to reproduce/, /Impact/, /Policy/]) {
      assert.match(summaryText, expected);
    }
    // Every entry links to a field that exists on the page.
    const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    assert.ok(hrefs.length >= 5, `summary links: ${hrefs.join(', ')}`);
    for (const href of hrefs) {
      assert.match(href, /^#[A-Za-z]+$/);
      assert.equal(await page.locator(href).count(), 1, `error summary link ${href} has no target`);
    }
    // Field-level messages next to the fields, wired for assistive technology.
    const description = page.getByLabel('Description');
    assert.equal(await description.getAttribute('aria-invalid'), 'true');
    assert.match(await description.getAttribute('aria-describedby') ?? '', /description-error/);
    assert.match(await page.locator('#description-error').innerText(), /Description is required/);
    assert.match(await page.locator('#product-error').innerText(), /Choose the affected product/);
    assert.match(await page.locator('#acceptPolicy-error').innerText(), /accept the disclosure policy/);
    // The title was valid and is kept.
    assert.equal(await page.getByLabel('Title').inputValue(), report.title);
    assert.equal(await page.locator('#title-error').count(), 0);
    await shot(page, '01-report-form-errors');
  });

  step('researcher submits a complete report with an attachment and gets a reference and a private link', async () => {
    const page = researcherPage;
    await page.getByLabel('Title').fill(report.title);
    await page.getByLabel('Affected product').selectOption(report.productId);
    await page.getByLabel('Affected version').fill(report.version);
    await page.getByLabel('Kind of vulnerability').selectOption(report.vulnType);
    await page.getByLabel('Description').fill(report.description);
    await page.getByLabel('Steps to reproduce').fill(report.steps);
    await page.getByLabel('Impact').fill(report.impact);
    await page.getByLabel(/^Name/).fill(report.name);
    await page.getByLabel(/^E-mail/).fill(report.email);
    await page.getByLabel('Credit me by my name').check();
    await page.getByLabel(/^Attachments/).setInputFiles(report.attachment);
    await page.getByLabel(/I have read the/).check();

    const status = await submit(page, page.getByRole('button', { name: 'Send report' }));
    assert.equal(status, 303, 'a successful submission redirects (POST/redirect/GET)');
    const url = new URL(page.url());
    assert.match(url.pathname, /^\/track\/[A-Za-z0-9_-]{20,}$/);
    assert.equal(url.searchParams.get('submitted'), '1');

    const thanks = page.getByRole('status').filter({ hasText: 'Thank you' });
    await thanks.waitFor();
    const thanksText = await thanks.innerText();
    reference = (await thanks.locator('.reference').innerText()).trim();
    assert.match(reference, /^EMB-\d{4}-\d{4}$/);
    assert.equal(reference.slice(4, 8), String(new Date().getUTCFullYear()));
    trackingUrl = (await thanks.locator('.tracking-link code').innerText()).trim();
    assert.equal(trackingUrl, `${server!.baseUrl}${url.pathname}`, 'the link shown is the page the researcher is on');
    trackingToken = url.pathname.split('/').pop()!;
    assert.ok(thanksText.includes(trackingUrl));
    assert.match(await page.locator('.state').first().innerText(), /^New$/);
    // The researcher's own copy shows the payload as text.
    assert.ok((await page.locator('.submitted-fields').innerText()).includes(report.title));
    await page.getByText('Description, steps to reproduce and impact').click(); // opens <details> (works without JS)
    assert.ok((await page.locator('.report-fields').innerText()).includes(XSS));
    assert.equal(await page.locator('img[onerror]').count(), 0);
    await shot(page, '02-confirmation');
  });

  step('the setup link creates the first administrator and lands in the inbox', async () => {
    const page = staffPage;
    const res = await page.goto(setupUrl);
    assert.equal(res?.status(), 200);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Display name').fill(admin.displayName);
    await page.getByLabel('Password').fill(admin.password);
    const status = await submit(page, page.getByRole('button', { name: 'Create administrator' }));
    assert.equal(status, 303);
    assert.equal(new URL(page.url()).pathname, '/staff/reports');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    assert.match(await page.locator('header.site').innerText(), new RegExp(`Sign out ${admin.displayName}`));

    // The link works once.
    const again = await staff.newPage();
    const res2 = await again.goto(setupUrl);
    assert.equal(res2?.status(), 404);
    assert.match(await again.locator('h1').innerText(), /no longer valid/i);
    await again.close();
  });

  step('staff finds the report in the inbox and with the search box', async () => {
    const page = staffPage;
    const row = page.locator('table.inbox tbody tr').filter({ hasText: reference });
    assert.equal(await row.count(), 1);
    const rowText = await row.innerText();
    assert.ok(rowText.includes(report.title), rowText);
    assert.ok(rowText.includes(report.productName), rowText);
    assert.match(rowText, /New/);
    await shot(page, '03-inbox');

    await page.getByRole('searchbox', { name: 'Search' }).fill('nonexistentword');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/q=nonexistentword/);
    await page.getByText('No reports match these filters.').waitFor();

    await page.getByRole('searchbox', { name: 'Search' }).fill(report.titleWord);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`q=${report.titleWord}`));
    assert.equal(await page.getByRole('searchbox', { name: 'Search' }).inputValue(), report.titleWord);
    assert.equal(await page.locator('table.inbox tbody tr').filter({ hasText: reference }).count(), 1);
    await shot(page, '03b-inbox-search');

    await page.getByRole('link', { name: report.title }).click();
    await page.waitForURL(`**/staff/reports/${reference}`);
  });

  step('the staff report page shows the payload as text, never as markup', async () => {
    const page = staffPage;
    assert.match(await page.locator('h1').innerText(), new RegExp(`${reference}\\s+${report.title}`));
    const description = page.locator('.report-main .text').first();
    assert.equal((await description.textContent())?.trim(), report.description);
    const html = await page.content();
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the payload is escaped in the HTML');
    assert.equal(await page.locator('img[onerror]').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    // Only our own bundled scripts (the CVSS picker), never one from report content.
    assert.equal(await page.locator('script:not([src])').count(), 0);
    for (const src of await page.locator('script[src]').evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? ''))) {
      assert.match(src, /^\/static\/js\/[\w-]+\.[0-9a-f]{12}\.js$/);
    }
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(dialogs, [], 'no script may run from report content');
    const main = await page.locator('.report-main').innerText();
    assert.ok(main.includes('<script>window.__pwned = 1</script>'));
    const side = await page.locator('.report-aside').innerText();
    assert.ok(side.includes(report.name) && side.includes(report.email), side);
    assert.match(side, /By name/);
    await shot(page, '04-staff-report');
  });

  step('the attachment downloads as a file, never rendered', async () => {
    const page = staffPage;
    const link = page.locator('.report-main ul.attachments a', { hasText: report.attachment.name });
    assert.equal(await link.count(), 1);
    const href = await link.getAttribute('href');
    assert.match(href ?? '', new RegExp(`^/staff/reports/${reference}/attachments/[0-9a-f-]{36}$`));

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), report.attachment.name);
    assert.deepEqual(readFileSync(await download.path()), report.attachment.buffer);

    const res = await staff.request.get(href!);
    assert.equal(res.status(), 200);
    const headers = res.headers();
    assert.match(headers['content-disposition'] ?? '', /^attachment;\s*filename="poc\.html"/);
    assert.equal(headers['content-type'], 'application/octet-stream');
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.match(headers['content-security-policy'] ?? '', /sandbox/);
    assert.deepEqual(await res.body(), report.attachment.buffer);

    // Without a session the same URL does not give the file away.
    const anonymous = await researcher.request.get(href!, { maxRedirects: 0 });
    assert.notEqual(anonymous.status(), 200);
  });

  step('staff acknowledges the report, writes an internal note and replies to the reporter', async () => {
    const page = staffPage;
    // The demo program promises an evaluation and a date: acknowledging is sending them (the status menu refuses a bare one).
    await page.getByLabel('Evaluation (sent to the reporter)').fill(stateReason);
    await page.getByLabel('Expected resolution date').fill(new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10));
    assert.equal(await submit(page, page.getByRole('button', { name: 'Acknowledge and send' })), 303);
    await page.getByRole('status').filter({ hasText: 'Evaluation sent to the reporter' }).waitFor();
    assert.equal((await page.locator('.report-facts .state').first().innerText()).trim(), 'Acknowledged');

    // The message box opens on an internal note: a slip never mails the reporter.
    assert.equal(await page.getByRole('radio', { name: /Internal note/ }).isChecked(), true);
    await page.getByLabel('Message', { exact: true }).fill(internalNote);
    assert.equal(await submit(page, page.getByRole('button', { name: 'Add internal note', exact: true })), 303);
    await page.getByRole('status').filter({ hasText: 'Internal note saved.' }).waitFor();
    const note = page.locator('ol.timeline li.message', { hasText: internalNote });
    assert.equal(await note.count(), 1);
    assert.match(await note.innerText(), /Internal note/);

    await page.getByRole('radio', { name: /Reply to the reporter/ }).check();
    await page.getByLabel('Message', { exact: true }).fill(staffReply);
    assert.equal(await submit(page, page.getByRole('button', { name: 'Send to the reporter', exact: true })), 303);
    await page.getByRole('status').filter({ hasText: 'Reply sent to the reporter.' }).waitFor();
    const sent = page.locator('ol.timeline li.message', { hasText: staffReply });
    assert.equal(await sent.count(), 1);
    assert.match(await sent.innerText(), new RegExp(admin.displayName));
    assert.doesNotMatch(await sent.innerText(), /Internal note/);
    await shot(page, '04b-staff-report-after-actions');
  });

  step('researcher sees the new status and the reply, not the internal note, and answers', async () => {
    const page = researcherPage;
    const res = await page.goto(trackingUrl);
    assert.equal(res?.status(), 200);
    assert.equal((await page.locator('#status-h + p .state').innerText()).trim(), 'Acknowledged');
    const thread = page.locator('ol.timeline');
    const threadText = await thread.innerText();
    assert.ok(threadText.includes(staffReply), threadText);
    assert.ok(threadText.includes(stateReason), 'the evaluation is meant for the reporter');
    assert.match(threadText, /Security team/);
    assert.ok(!threadText.includes(admin.displayName), 'staff names stay private');
    const html = await page.content();
    assert.ok(!html.includes(`note-${marker}`), 'the internal note must not reach the reporter');
    assert.ok(!html.includes(admin.displayName), 'staff names must not reach the reporter');
    assert.ok(!html.includes('Internal note'));

    await page.getByLabel('Message', { exact: true }).fill(researcherReply);
    assert.equal(await submit(page, page.getByRole('button', { name: 'Send', exact: true })), 303);
    assert.equal(new URL(page.url()).searchParams.get('sent'), '1');
    await page.getByRole('status').filter({ hasText: 'Your message was sent.' }).waitFor();
    const mine = page.locator('ol.timeline li.message', { hasText: researcherReply });
    assert.equal(await mine.count(), 1);
    assert.match(await mine.innerText(), /You/);
    assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), '', 'the composer is empty after sending');
    await shot(page, '05-tracking');

    // The reporter's copy of the attachment is reachable with the token, and only as a download.
    const link = page.locator('.submitted-fields ul.attachments a', { hasText: report.attachment.name });
    const href = await link.getAttribute('href');
    assert.match(href ?? '', /^\/track\/[^/]+\/attachments\/[0-9a-f-]{36}$/);
    const file = await researcher.request.get(href!);
    assert.equal(file.status(), 200);
    assert.match(file.headers()['content-disposition'] ?? '', /^attachment;/);
  });

  step('staff sees the researcher reply on the report page', async () => {
    const page = staffPage;
    await page.reload();
    const answer = page.locator('ol.timeline li.message', { hasText: researcherReply });
    assert.equal(await answer.count(), 1);
    assert.match(await answer.innerText(), /Reporter/);
    // Thread order: note, reply, researcher answer.
    const order = await page.locator('ol.timeline li.message').evaluateAll((lis) => lis.map((li) => li.textContent ?? ''));
    const idx = (s: string) => order.findIndex((t) => t.includes(s));
    assert.ok(idx(internalNote) < idx(staffReply) && idx(staffReply) < idx(researcherReply), order.join('\n---\n'));
    await shot(page, '06-staff-report-with-answer');
  });

  step('the server log holds no token, report text or personal data, and the server stops cleanly', async () => {
    const cookies = await staff.cookies();
    const sessionCookie = cookies.find((c) => /session/i.test(c.name));
    assert.ok(sessionCookie, `a session cookie: ${cookies.map((c) => c.name).join(', ')}`);

    serverExit = await server!.stop();
    assert.equal(serverExit, 0, `embargo serve exits 0 on SIGTERM; stderr:\n${server!.stderr()}`);
    const log = server!.stdout() + server!.stderr();

    // Positive controls: the capture works and holds what it should.
    assert.ok(log.includes('report submitted') && log.includes(reference), 'the submission is logged by reference');
    assert.ok(log.includes('/track/[redacted]'), 'tracking URLs are logged redacted');

    const secrets: [string, string][] = [
      ['tracking token', trackingToken],
      ['description', `desc-${marker}`],
      ['XSS payload', 'onerror=alert(1)'],
      ['steps to reproduce', `steps-${marker}`],
      ['impact', `impact-${marker}`],
      ['internal note', `note-${marker}`],
      ['staff reply', `reply-${marker}`],
      ['researcher reply', `answer-${marker}`],
      ['reporter e-mail', report.email],
      ['attachment content', `proof of concept ${marker}`],
      ['admin password', admin.password],
      ['session cookie', sessionCookie.value],
    ];
    for (const [what, value] of secrets) {
      assert.ok(!log.includes(value), `the server log contains the ${what}`);
    }
  });
});

/**
 * The reporter's tracking page in a real browser, without JavaScript, on a
 * phone (375 px) and a desktop (1280 px): when the team will answer, the
 * reporter's own fields, and the reply box above a thread that has grown.
 * Screenshots land in test-output/screenshots/ (60-…).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, fillReportForm, useServerAndBrowser } from './chromium.ts';

const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** Top of an element in page coordinates. */
const top = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);

describe('the tracking page in a real browser', { timeout: 120_000 }, () => {
  const suite = useServerAndBrowser();

  it('shows the promised answer time, the reporter’s fields and the reply box above the thread, at 375 px and 1280 px', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(suite.server.baseUrl + '/report');
    await fillReportForm(page, {
      title: 'Path traversal in the firmware upload',
      product: 'example-gateway',
      version: '3.1.4',
      type: 'other',
      description: 'The upload handler joins the file name to the firmware directory without normalising it.',
      steps: 'Upload a file named ../../etc/cron.d/x through /admin/firmware.',
      impact: 'Arbitrary file write as root on the gateway.',
    });
    await page.getByLabel('CVSS vector').fill(VECTOR);
    await page.getByLabel('Attachments').setInputFiles({ name: 'traversal-poc.txt', mimeType: 'text/plain', buffer: Buffer.from('../../etc/cron.d/x') });
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.locator('.notice .reference').waitFor();

    // A thread that grows: the reply box stays above it, a plain form post each time.
    for (let i = 1; i <= 4; i++) {
      await page.getByLabel('Message').fill(`Additional detail ${i}: the handler also follows symbolic links.`);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByText('Your message was sent.').waitFor();
    }

    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
      await page.reload();
      const next = await page.locator('.next-answer').innerText();
      assert.match(next, /You will hear from us by .+ \(Europe\/Amsterdam time\) with our evaluation of the report and an expected resolution date\./);
      const fields = await page.locator('dl.submitted-fields').innerText();
      for (const expected of ['Example Gateway', '3.1.4', VECTOR, 'score 9.8', 'traversal-poc.txt']) assert.ok(fields.includes(expected), `${expected} in ${fields}`);
      const reply = await top(page, '.reply-box');
      const thread = await top(page, 'ol.timeline');
      assert.ok(reply < thread, `reply box at ${reply}px, thread at ${thread}px`);
      // The newest message first, right under the reply box.
      assert.match(await page.locator('ol.timeline li').first().innerText(), /Additional detail 4/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `no sideways scrolling at ${width} px`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `60-tracking-page-${width}.png`), fullPage: true });
    }
    await context.close();
  });
});

/**
 * The Swedish and the Italian report flow in Chromium with JavaScript off, against a real
 * `embargo serve` (embedded database, the demo program offering en, sv and it): the home
 * page, its language link, the form (with a refused first try), the tracking page. What the
 * tracking page shows is read back from the stored report, and the server logs the submission.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { SCREENSHOTS, launchChromium } from './chromium.ts';

interface Flow {
  language: 'sv' | 'it';
  link: string;
  nav: string;
  labels: { title: string; product: string; version: string; type: string; description: string; steps: string; impact: string; accept: RegExp };
  send: string;
  titleRequired: RegExp;
  stored: string;
  status: RegExp;
}

const FLOWS: Flow[] = [
  {
    language: 'sv',
    link: 'Svenska',
    nav: 'Rapportera en sårbarhet',
    labels: { title: 'Rubrik', product: 'Berörd produkt', version: 'Berörd version', type: 'Typ av sårbarhet', description: 'Beskrivning', steps: 'Steg för att återskapa', impact: 'Påverkan', accept: /Jag har läst/ },
    send: 'Skicka rapporten',
    titleRequired: /Rubrik måste fyllas i\./,
    stored: 'Tack! Din rapport är sparad',
    status: /Vi har tagit emot din rapport och kommer att bedöma den\./,
  },
  {
    language: 'it',
    link: 'Italiano',
    nav: 'Segnala una vulnerabilità',
    labels: { title: 'Titolo', product: 'Prodotto interessato', version: 'Versione interessata', type: 'Tipo di vulnerabilità', description: 'Descrizione', steps: 'Passi per riprodurla', impact: 'Impatto', accept: /Ho letto la/ },
    send: 'Invia la segnalazione',
    titleRequired: /Il campo «Titolo» è obbligatorio\./,
    stored: 'Grazie: la tua segnalazione è stata registrata',
    status: /Abbiamo ricevuto la tua segnalazione e la valuteremo\./,
  },
];

describe('the report flow in Swedish and Italian, without JavaScript (Chromium)', { timeout: 240_000 }, () => {
  const suite = {} as { server: EmbargoProcess; browser: Browser };
  // As useServerAndBrowser (./chromium.ts), with more time to start: the embedded database's first start is slow on a busy machine.
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    suite.server = await startEmbargo({ startTimeoutMs: 120_000 });
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
    suite.server?.removeFiles();
  });

  for (const flow of FLOWS) {
    it(`${flow.language}: home → language link → form → refused, then sent → tracking page`, async () => {
      const context = await suite.browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
      const page: Page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const marker = randomBytes(4).toString('hex');
      const title = `Reflected XSS in search ${marker}`;
      try {
        await page.goto(`${suite.server.baseUrl}/`);
        assert.equal(await page.getAttribute('html', 'lang'), 'en', 'an English browser starts in English');
        await page.getByRole('link', { name: flow.link, exact: true }).click();
        await page.waitForURL(`${suite.server.baseUrl}/`);
        assert.equal(await page.getAttribute('html', 'lang'), flow.language);

        await page.getByRole('navigation', { name: /.+/ }).first().getByRole('link', { name: flow.nav, exact: true }).click();
        await page.waitForURL(/\/report$/);
        assert.equal(await page.getAttribute('html', 'lang'), flow.language, 'the choice is kept from page to page');
        const l = flow.labels;
        await page.getByLabel(l.product, { exact: true }).selectOption('example-cloud');
        await page.getByLabel(l.version, { exact: true }).fill('4.2.1');
        await page.getByLabel(l.type, { exact: true }).selectOption('xss');
        await page.getByLabel(l.description, { exact: true }).fill(`The q parameter is echoed into the page unescaped. ${marker}`);
        await page.getByLabel(l.steps, { exact: true }).fill('1. Open /search?q=<script>alert(1)</script>');
        await page.getByLabel(l.impact, { exact: true }).fill('Script runs in the victim’s session.');
        await page.getByLabel(l.accept).check();
        await page.getByRole('button', { name: flow.send }).click();
        await page.waitForLoadState();
        assert.match(await page.locator('.error-summary').innerText(), flow.titleRequired, 'the field error is translated');
        assert.equal(await page.getAttribute('html', 'lang'), flow.language);

        await page.getByLabel(l.title, { exact: true }).fill(title);
        await page.getByLabel(l.accept).check();
        await page.getByRole('button', { name: flow.send }).click();
        await page.waitForURL(/\/track\/[A-Za-z0-9_-]{43}\?submitted=1$/);
        await page.screenshot({ path: path.join(SCREENSHOTS, `languages-${flow.language}-tracking.png`), fullPage: true });
        assert.equal(await page.getAttribute('html', 'lang'), flow.language);
        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), flow.stored);
        const reference = (await page.locator('strong.reference').innerText()).trim();
        assert.match(reference, /^EMB-\d{4}-\d{4}$/);
        assert.match(await page.locator('main').innerText(), flow.status);
        // Read back from the database: the page is rendered from the stored report.
        assert.equal((await page.locator('.submitted-fields dd').first().innerText()).trim(), title);
        const logged = suite.server.logLines().some((line) => line.msg === 'report submitted' && line.reference === reference);
        assert.ok(logged, 'the server stored and logged the report');
      } finally {
        await context.close();
      }
    });
  }
});

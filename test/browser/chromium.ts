import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';

/** Where browser tests save their screenshots (git-ignored). */
export const SCREENSHOTS = path.join(repoRoot, 'test-output', 'screenshots');

/** Debian's Chromium, flags that keep it off this machine's closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Registers the hooks every browser suite needs: a fresh `embargo serve` and
 * Chromium before, both stopped and the data removed after (also on failure).
 * Call it first in the describe block so its `before` runs first.
 */
export function useServerAndBrowser(): { server: EmbargoProcess; browser: Browser } {
  const suite = {} as { server: EmbargoProcess; browser: Browser };
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    suite.server = await startEmbargo();
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
    suite.server?.removeFiles();
  });
  return suite;
}

/** Fills the required fields of /report (the caller ticks extras and submits). */
export async function fillReportForm(
  page: Page,
  r: { title: string; product: string; version: string; type: string; description: string; steps: string; impact: string },
): Promise<void> {
  await page.getByLabel('Title', { exact: true }).fill(r.title);
  await page.getByLabel('Affected product').selectOption(r.product);
  await page.getByLabel('Affected version').fill(r.version);
  await page.getByLabel('Kind of vulnerability').selectOption(r.type);
  await page.getByLabel('Description').fill(r.description);
  await page.getByLabel('Steps to reproduce').fill(r.steps);
  await page.getByLabel('Impact').fill(r.impact);
  await page.getByLabel(/I have read the/).check();
}

/** Fills the first-administrator form of the setup link (the caller submits). */
export async function fillFirstAdmin(page: Page, admin: { email: string; name: string; password: string }): Promise<void> {
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Display name').fill(admin.name);
  await page.getByLabel('Password').fill(admin.password);
}

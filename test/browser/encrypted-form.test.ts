/**
 * With JavaScript on, the report form encrypts fields and attachments in
 * Chromium to the program key (OpenPGP.js served from our origin); what
 * crosses the wire is ciphertext, the server decrypts it, and the
 * confirmation says it was encrypted in the browser; neither the log nor
 * the database (contents sealed at rest) holds the plaintext.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { SCREENSHOTS, fillReportForm, useServerAndBrowser } from './chromium.ts';

const marker = `PLAINTEXT-${randomBytes(6).toString('hex')}`;

describe('report form encrypted in the browser', { timeout: 90_000 }, () => {
  const suite = useServerAndBrowser();

  it('sends only ciphertext, and the report arrives decrypted', async () => {
    const { server, browser } = suite;
    const page = await (await browser.newContext()).newPage();
    const posted: string[] = [];
    // Interception sees multipart bodies with files, which request events do not expose.
    await page.route('**/report', async (route) => {
      const r = route.request();
      if (r.method() === 'POST') posted.push(r.postDataBuffer()?.toString('latin1') ?? '');
      await route.continue();
    });
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(server.baseUrl + '/report');
    const status = page.locator('#encryption-status');
    await status.waitFor({ state: 'visible' });
    assert.match(await status.innerText(), /will be encrypted in this browser with our OpenPGP key [0-9A-F]{40}/);
    assert.ok(scripts.length > 0 && scripts.every((u) => u.startsWith(server.baseUrl + '/static/js/')), `scripts from our origin only: ${scripts}`);

    await fillReportForm(page, {
      title: `Auth bypass ${marker}`,
      product: 'example-cloud',
      version: '5.0',
      type: 'auth',
      description: `The session check is skipped for /admin. ${marker}`,
      steps: `curl -H "X-Debug: 1" /admin ${marker}`,
      impact: `Full administrator access. ${marker}`,
    });
    await page.locator('#reporterEmail').fill(`finder-${marker}@example.org`);
    await page.locator('#attachments').setInputFiles({ name: `poc-${marker}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`attachment body ${marker}`) });
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL('**/track/**');
    await page.screenshot({ path: path.join(SCREENSHOTS, '20-encrypted-confirmation.png'), fullPage: true });

    assert.equal(posted.length, 1);
    assert.ok(posted[0]!.includes('-----BEGIN PGP MESSAGE-----'), 'the fields travel sealed');
    assert.ok(!posted[0]!.includes(marker), 'no plaintext on the wire');
    assert.match(await page.locator('.transport').innerText(), /encrypted in your browser with our OpenPGP key/);
    assert.match(await page.locator('.submitted-fields').innerText(), /Auth bypass/);
    await page.getByText('Description, steps to reproduce and impact').click(); // opens the <details>
    assert.match(await page.locator('dl.report-fields').innerText(), new RegExp(`session check is skipped for /admin\\. ${marker}`));
    assert.equal(await page.locator('ul.attachments a', { hasText: `poc-${marker}.txt` }).count(), 1);
    const download = await page.request.get(await page.locator('ul.attachments a').first().getAttribute('href').then((h) => server.baseUrl + h));
    assert.equal(await download.text(), `attachment body ${marker}`);

    assert.ok(!server.stdout().includes(marker) && !server.stderr().includes(marker), 'no plaintext in the server log');

    // Nor in the database: stopped, its embedded directory opened as a thief with a copy would.
    await server.stop();
    const database = await openDatabase({ kind: 'embedded', dataDir: server.dataDir });
    try {
      const dump = await dumpDatabase(database.db);
      assert.match(dump, /EMB-\d{4}-0001/, 'the dump holds the report');
      assert.deepEqual(leakedMarkers(dump, { marker }), [], 'no plaintext in any table');
    } finally {
      await database.close();
    }
  });
});

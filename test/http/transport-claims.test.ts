import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { goodReport } from '../spam/spam-helpers.ts';

const CLAIMS = /\bTLS\b|encrypted connection|encrypted in transit/;
const HTTPS = { 'x-forwarded-proto': 'https' };

/** The receipt page of a new report (the tracking page right after submission). */
async function receiptUrl(t: TestApp): Promise<string> {
  const c = new Client(t.app);
  const csrf = Client.csrf((await c.get('/report')).body);
  const res = await c.postMultipart('/report', { ...goodReport, _csrf: csrf });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  return String(res.headers.location);
}

async function page(t: TestApp, url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url, headers });
  assert.equal(res.statusCode, 200, url);
  return res.body;
}

describe('pages claim an encrypted connection only over https', () => {
  describe('served directly over plain http (no trusted proxy)', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp();
    });
    after(async () => {
      await t.close();
    });

    it('the form, the receipt and the policy make no TLS claim, even when a client sends X-Forwarded-Proto', async () => {
      const receipt = await receiptUrl(t);
      for (const headers of [{}, HTTPS]) {
        const form = await page(t, '/report', headers);
        assert.doesNotMatch(form, CLAIMS, 'report form');
        assert.match(form, /reached over plain http: what you send is not encrypted/);
        const track = await page(t, receipt, headers);
        assert.doesNotMatch(track, CLAIMS, 'receipt');
        assert.match(track, /reached over plain http: the connection is not encrypted/);
        const policy = await page(t, '/policy', headers);
        assert.doesNotMatch(policy, CLAIMS, 'policy');
        assert.match(policy, /\(no account needed\)/);
      }
    });
  });

  describe('behind a trusted proxy', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(undefined, { EMBARGO_TRUST_PROXY: 'true' });
    });
    after(async () => {
      await t.close();
    });

    it('claims TLS where the proxy says the request came over https, and only there', async () => {
      const receipt = await receiptUrl(t);
      assert.match(await page(t, '/report', HTTPS), /protected by the encrypted connection \(TLS\)/);
      assert.match(await page(t, receipt, HTTPS), /sent over the encrypted connection \(TLS\)/);
      assert.match(await page(t, '/policy', HTTPS), /encrypted in transit; no account needed/);
      for (const url of ['/report', receipt, '/policy']) {
        assert.doesNotMatch(await page(t, url, { 'x-forwarded-proto': 'http' }), CLAIMS, url);
      }
    });
  });
});

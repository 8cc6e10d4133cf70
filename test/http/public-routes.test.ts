import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const validReport = {
  title: 'Stored XSS <script>alert("title")</script>',
  product: 'example-cloud',
  productVersion: '4.2',
  vulnerabilityType: 'xss',
  description: 'DESCRIPTION-MARKER: the name field is not escaped <img src=x onerror=alert(1)>',
  stepsToReproduce: '1. do this\n2. do that',
  impact: 'Account takeover of admins.',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
};

describe('public routes', () => {
  let t: TestApp;
  before(async () => {
    // debug: every request is logged (at info only errors are), so the redaction of URLs shows.
    t = await startTestApp(undefined, { EMBARGO_LOG_LEVEL: 'debug' });
  });
  after(async () => {
    await t.close();
  });

  it('serves the home and policy pages with the SLA number and strict security headers', async () => {
    const c = new Client(t.app);
    const home = await c.get('/');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /within <strong>3 business days<\/strong>/);
    const csp = String(home.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(home.headers['x-content-type-options'], 'nosniff');
    assert.equal(home.headers['x-frame-options'], 'DENY');
    assert.equal(home.headers['referrer-policy'], 'no-referrer');
    const policy = await c.get('/policy');
    assert.equal(policy.statusCode, 200);
    assert.match(policy.body, /respond to your report within 3 business days/);
    assert.doesNotMatch(policy.body, /\{\{/);
  });

  it('answers /healthz while the database answers', async () => {
    const res = await new Client(t.app).get('/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: 'embedded' });
  });

  it('answers unknown pages with a 404 page that leaks nothing', async () => {
    const res = await new Client(t.app).get('/nope/<script>');
    assert.equal(res.statusCode, 404);
    assert.doesNotMatch(res.body, /<script>/);
  });

  it('refuses a submission without a CSRF token', async () => {
    const c = new Client(t.app);
    await c.get('/report');
    const res = await c.postMultipart('/report', { ...validReport, policyVersion: '1' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /form has expired/);
  });

  it('shows field errors and keeps (escaped) what was typed', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { _csrf: csrf, policyVersion: '1', title: '<b>bold</b> title', reporterEmail: 'nope' });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /Description is required/);
    assert.match(res.body, /not an e-mail address/);
    assert.match(res.body, /value="&lt;b>bold&lt;\/b> title"/);
    assert.doesNotMatch(res.body, /<b>bold<\/b>/);
  });

  it('refuses an oversized attachment or too many, keeping the fields', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const big = await c.postMultipart('/report', { ...validReport, _csrf: csrf, policyVersion: '1' }, [{ name: 'attachments', filename: 'big.bin', content: Buffer.alloc(5000) }]);
    assert.equal(big.statusCode, 422);
    assert.match(big.body, /big\.bin” is larger than 4\.0 KB/);
    assert.match(big.body, /Account takeover of admins/);
    const many = await c.postMultipart('/report', { ...validReport, _csrf: csrf, policyVersion: '1' }, [1, 2, 3].map((i) => ({ name: 'attachments', filename: `f${i}.txt`, content: 'x' })));
    assert.equal(many.statusCode, 422);
    assert.match(many.body, /At most 2 files/);
  });

  it('stores a valid report, redirects to its private tracking page, and never logs the token or the body', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { ...validReport, _csrf: csrf, policyVersion: '1' }, [{ name: 'attachments', filename: 'poc.html', content: '<script>alert(1)</script>', type: 'text/html' }]);
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    const m = /^\/track\/([A-Za-z0-9_-]{43})\?submitted=1$/.exec(location);
    assert.ok(m, location);
    const token = m[1]!;
    const page = await c.get(location);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /Thank you: your report is stored/);
    assert.match(page.body, /EMB-\d{4}-0001/);
    assert.match(page.body, new RegExp(`http://localhost:3000/track/${token}`));
    assert.match(page.body, /&lt;img src=x onerror=alert\(1\)>/);
    assert.doesNotMatch(page.body, /<img src=x/);

    // attachment downloads are never rendered inline
    const href = /href="(\/track\/[^"]+\/attachments\/[0-9a-f-]{36})"/.exec(page.body)![1]!;
    const dl = await c.get(href);
    assert.equal(dl.statusCode, 200);
    assert.equal(dl.headers['content-type'], 'application/octet-stream');
    assert.match(String(dl.headers['content-disposition']), /^attachment; filename="poc.html"/);
    assert.match(String(dl.headers['content-security-policy']), /sandbox/);
    assert.equal(dl.body, '<script>alert(1)</script>');

    const log = t.logText();
    assert.ok(log.includes('/track/[redacted]'), 'tracking URLs are logged redacted');
    assert.ok(!log.includes(token), 'token leaked into the log');
    assert.ok(!log.includes('DESCRIPTION-MARKER'), 'report body leaked into the log');
  });

  it('answers unknown or malformed tracking tokens and foreign attachments with 404', async () => {
    const c = new Client(t.app);
    assert.equal((await c.get('/track/abc')).statusCode, 404);
    assert.equal((await c.get(`/track/${'A'.repeat(43)}`)).statusCode, 404);
    assert.equal((await c.get(`/track/${'A'.repeat(43)}/attachments/00000000-0000-0000-0000-000000000000`)).statusCode, 404);
  });

  it('lets the reporter reply with validation and CSRF checks', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { ...validReport, _csrf: csrf, policyVersion: '1' });
    const url = String(res.headers.location).split('?')[0]!;
    const pageCsrf = Client.csrf((await c.get(url)).body);
    assert.equal((await c.postMultipart(`${url}/reply`, { body: 'hello' })).statusCode, 403);
    const empty = await c.postMultipart(`${url}/reply`, { _csrf: pageCsrf, body: '   ' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Message is required/);
    const ok = await c.postMultipart(`${url}/reply`, { _csrf: pageCsrf, body: 'More details <i>here</i>' }, [{ name: 'attachments', filename: 'more.txt', content: 'data' }]);
    assert.equal(ok.statusCode, 303);
    const page = await c.get(url + '?sent=1');
    assert.match(page.body, /Your message was sent/);
    assert.match(page.body, /More details &lt;i>here&lt;\/i>/);
    assert.match(page.body, /more\.txt/);
  });

  it('rate-limits submissions per client address', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await c.postMultipart('/report', { _csrf: csrf, policyVersion: '1' })).statusCode;
    assert.equal(last, 429);
  });
});

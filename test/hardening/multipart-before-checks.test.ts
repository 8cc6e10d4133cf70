/**
 * Issue 9, item 3: an anonymous client must not make the server read (and
 * hold) an upload before the cheap checks have passed. CSRF, the submission
 * rate limit and the tracking token are checked first; a refused request is
 * answered while the client is still sending, and a body larger than any
 * valid form is not read to its end.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { databaseKinds } from '../helpers/databases.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { MULTIPART, multipartHead, multipartTail, SlowUpload } from './slow-upload.ts';

const MiB = 1024 * 1024;
/** Large enough that the uploads below are files the form would take. */
const MAX_ATTACHMENT = 50 * MiB;
const UPLOAD = 40 * MiB;
/** What the server may take before answering: the first part, and what sits in stream buffers. */
const READ_BEFORE_ANSWER = 2 * MiB;

const report = {
  title: 'Open redirect in the login page',
  product: 'example-cloud',
  productVersion: '4.2',
  vulnerabilityType: 'other',
  description: 'The next parameter accepts any absolute URL.',
  stepsToReproduce: 'Open /login?next=https://evil.example',
  impact: 'Phishing with our domain in the link.',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
  policyVersion: '1',
};

const cookies = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function send(t: TestApp, url: string, upload: SlowUpload, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': MULTIPART, ...headers }, payload: upload.stream() });
  upload.markAnswered();
  return res;
}

/**
 * Once the form reader has refused a body, the rest must be taken or the
 * request closed: a reader that stops and leaves it open stalls a browser,
 * which sends everything before it reads the answer. (Bodies refused before
 * the reader runs are Node's to discard; inject() does not play that part.)
 */
async function notStalled(upload: SlowUpload): Promise<void> {
  const stalled = delay(10_000, 'stalled', { ref: false });
  assert.notEqual(await Promise.race([upload.done, stalled]), 'stalled', 'the refused body was neither read nor closed: the client is stuck');
}

for (const kind of await databaseKinds()) {
  describe(`multipart uploads are checked before they are read (${kind})`, { timeout: 120_000 }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { EMBARGO_MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT) });
    });
    after(async () => {
      await t?.close();
    });

    async function visitor(): Promise<{ c: Client; csrf: string }> {
      const c = new Client(t.app);
      return { c, csrf: Client.csrf((await c.get('/report')).body) };
    }

    const storedReports = async () => (await t.ctx.db.selectFrom('reports').select('id').execute()).length;

    it('answers a wrong CSRF token before reading the file that follows it', async () => {
      const { c } = await visitor();
      const upload = new SlowUpload(multipartHead([['_csrf', 'not-the-token']], { name: 'attachments', filename: 'big.bin' }), UPLOAD, multipartTail());
      const res = await send(t, '/report', upload, { cookie: cookies(c) });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /This form has expired/);
      assert.ok(upload.consumedWhenAnswered < READ_BEFORE_ANSWER, `read ${upload.consumedWhenAnswered} of ${upload.total} bytes before answering`);
      await notStalled(upload);
    });

    it('refuses a file part that comes before any CSRF token, unread', async () => {
      const { c } = await visitor();
      const upload = new SlowUpload(multipartHead([], { name: 'attachments', filename: 'big.bin' }), UPLOAD, multipartTail());
      const res = await send(t, '/report', upload, { cookie: cookies(c) });
      assert.equal(res.statusCode, 403);
      assert.ok(upload.consumedWhenAnswered < READ_BEFORE_ANSWER, `read ${upload.consumedWhenAnswered} of ${upload.total} bytes before answering`);
      await notStalled(upload);
    });

    it('refuses a client over the submission rate limit before reading its body', async () => {
      const { c, csrf } = await visitor();
      await t.ctx.db.deleteFrom('rate_limits').execute(); // the other tests' posts count too
      try {
        // 30 forms an hour from one address; these are refused for their content, but they count.
        for (let i = 0; i < 30; i++) assert.equal((await c.postMultipart('/report', { _csrf: csrf, title: 'x' })).statusCode, 422);
        const upload = new SlowUpload(multipartHead([['_csrf', csrf], ...Object.entries(report)], { name: 'attachments', filename: 'big.bin' }), UPLOAD, multipartTail());
        const res = await send(t, '/report', upload, { cookie: cookies(c) });
        assert.equal(res.statusCode, 429);
        assert.ok(res.headers['retry-after']);
        assert.ok(upload.consumedWhenAnswered < READ_BEFORE_ANSWER, `read ${upload.consumedWhenAnswered} of ${upload.total} bytes before answering`);
      } finally {
        await t.ctx.db.deleteFrom('rate_limits').execute();
      }
    });

    it('refuses a reply on an unknown tracking link before reading its files', async () => {
      const { c, csrf } = await visitor();
      const upload = new SlowUpload(multipartHead([['_csrf', csrf], ['body', 'hello']], { name: 'attachments', filename: 'big.bin' }), UPLOAD, multipartTail());
      const res = await send(t, `/track/${'A'.repeat(43)}/reply`, upload, { cookie: cookies(c) });
      assert.equal(res.statusCode, 404);
      assert.ok(upload.consumedWhenAnswered < READ_BEFORE_ANSWER, `read ${upload.consumedWhenAnswered} of ${upload.total} bytes before answering`);
    });

    it('refuses unread a body whose declared length exceeds any valid form', async () => {
      const { c, csrf } = await visitor();
      const upload = new SlowUpload(multipartHead([['_csrf', csrf], ...Object.entries(report)], { name: 'attachments', filename: 'big.bin' }), UPLOAD, multipartTail());
      const res = await send(t, '/report', upload, { cookie: cookies(c), 'content-length': String(4 * MAX_ATTACHMENT) });
      assert.equal(res.statusCode, 413);
      assert.match(res.body, /larger than this form accepts/);
      assert.ok(upload.consumedWhenAnswered < READ_BEFORE_ANSWER, `read ${upload.consumedWhenAnswered} of ${upload.total} bytes before answering`);
      assert.equal(await storedReports(), 0);
    });

    it('still takes a form whose token comes first, or in the x-csrf-token header', async () => {
      const { c, csrf } = await visitor();
      const inField = await c.postMultipart('/report', { _csrf: csrf, ...report }, [{ name: 'attachments', filename: 'poc.txt', content: 'proof' }]);
      assert.equal(inField.statusCode, 303, inField.body.slice(0, 200));
      const form = new FormData();
      for (const [k, v] of Object.entries(report)) form.append(k, v);
      form.append('attachments', new Blob(['proof']), 'poc.txt');
      const encoded = new Response(form);
      const inHeader = await t.app.inject({
        method: 'POST',
        url: '/report',
        headers: { cookie: cookies(c), 'x-csrf-token': csrf, 'content-type': encoded.headers.get('content-type')! },
        payload: Buffer.from(await encoded.arrayBuffer()),
      });
      assert.equal(inHeader.statusCode, 303, inHeader.body.slice(0, 200));
      assert.equal(await storedReports(), 2);
      const sizes = await t.ctx.db.selectFrom('report_attachments').select('size').execute();
      assert.deepEqual(sizes.map((a) => a.size), [5, 5]);
    });

    it('answers a known tracking link’s reply with a wrong token before reading its files', async () => {
      const made = await makeReport(t.ctx.db, {}, t.ctx.vault);
      const { c } = await visitor();
      const upload = new SlowUpload(multipartHead([['_csrf', 'wrong'], ['body', 'hello']], { name: 'attachments', filename: 'big.bin' }), UPLOAD, multipartTail());
      const res = await send(t, `/track/${made.trackingToken}/reply`, upload, { cookie: cookies(c) });
      assert.equal(res.statusCode, 403);
      assert.ok(upload.consumedWhenAnswered < READ_BEFORE_ANSWER, `read ${upload.consumedWhenAnswered} of ${upload.total} bytes before answering`);
      await notStalled(upload);
    });
  });
}

describe('a multipart body larger than any valid form, on a real socket', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(); // 2 files of 4 KB: the largest valid form is about 2 MB of text
  });
  after(async () => {
    await t?.close();
  });

  it('is cut off where it passes the largest valid form, even without a declared length', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const upload = new SlowUpload(multipartHead([['_csrf', csrf], ...Object.entries(report)], { name: 'attachments', filename: 'big.bin' }), 40 * MiB, multipartTail(), {
      holdAfter: 40 * MiB, // no pause: a client that just keeps sending
    });
    // Chunked (no Content-Length): the server has to count as the body arrives.
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request(`${address}/report`, { method: 'POST', headers: { cookie: cookies(c), 'content-type': MULTIPART }, agent: false });
      req.on('response', (res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      upload.stream().pipe(req);
    });
    upload.markAnswered();
    assert.ok(['413', 'EPIPE', 'ECONNRESET'].includes(outcome), `answered ${outcome}`);
    assert.ok(upload.consumedWhenAnswered < 8 * MiB, `sent ${upload.consumedWhenAnswered} of ${upload.total} bytes before the answer or the cut`);
  });
});

/** The `name` of the first control in each multipart form of a page: the token has to come before any file. */
function firstFieldOfMultipartForms(html: string): (string | undefined)[] {
  return [...html.matchAll(/<form[^>]*enctype="multipart\/form-data"[^>]*>([\s\S]*?)<\/form>/g)].map((f) => /name="([^"]+)"/.exec(f[1]!)?.[1]);
}

describe('multipart forms in the pages', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('send the CSRF token before any other field, so it is checked before a file is read', async () => {
    const made = await makeReport(t.ctx.db, {}, t.ctx.vault);
    const visitor = new Client(t.app);
    const staff = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    const pages = {
      report: (await visitor.get('/report')).body,
      track: (await visitor.get(`/track/${made.trackingToken}`)).body,
      staff: (await staff.get(`/staff/reports/${made.reference}`)).body,
    };
    for (const [name, html] of Object.entries(pages)) {
      const firsts = firstFieldOfMultipartForms(html);
      assert.ok(firsts.length > 0, `${name} has a multipart form`);
      assert.deepEqual(firsts, firsts.map(() => '_csrf'), `${name}: ${firsts.join(', ')}`);
    }
  });
});

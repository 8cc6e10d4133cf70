import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink, type CapturedMail } from '../helpers/smtp-sink.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';

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

const TRACK = /\/track\/([A-Za-z0-9_-]{43})/;

/** The text a reporter reads: the decrypted body of PGP/MIME, or the raw mail when in clear. */
async function readable(mail: CapturedMail, privateKey?: string): Promise<string> {
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(mail.raw)?.[0];
  if (!armored) return mail.raw.replace(/=\r\n/g, '');
  assert.ok(privateKey, 'an encrypted mail to a reporter without a key');
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
  });
  return String(data).replace(/=\r\n/g, '');
}

describe('a receipt by mail and a way back to a lost tracking link', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let mailCtx: AppContext;
  let worker: Worker;
  let keyPair: { publicKey: string; privateKey: string };
  let seen = 0;
  const newMailsTo = (address: string) => {
    const out = sink.mails.slice(seen);
    seen = sink.mails.length;
    return out.filter((m) => m.to.includes(address));
  };

  before(async () => {
    sink = await startSmtpSink();
    t = await startTestApp();
    mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'security@example.com') };
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(mailCtx), logger: t.ctx.logger });
    keyPair = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'keyed-finder@example.org' }], format: 'armored' });
  });
  after(async () => {
    mailCtx?.mailer?.close();
    await t?.close();
    await sink?.close();
  });

  async function submit(fields: Record<string, string>): Promise<{ token: string; reference: string }> {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { ...report, ...fields, _csrf: csrf });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const token = TRACK.exec(String(res.headers.location))![1]!;
    // A 303 means stored, and the receipt is already queued with it.
    const queued = await t.ctx.db.selectFrom('jobs').select('kind').where('kind', '=', 'mail-acknowledgement').where('state', '=', 'pending').execute();
    assert.ok(queued.length > 0, 'the receipt is queued in the submission transaction');
    const row = await t.ctx.db.selectFrom('reports').select('reference').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    return { token, reference: row.reference };
  }

  async function recover(client: Client, fields: { reference: string; email: string }) {
    const page = await client.get('/track/recover');
    assert.equal(page.statusCode, 200);
    return client.postForm('/track/recover', { _csrf: Client.csrf(page.body), ...fields });
  }

  it('mails a receipt with the reference, without the tracking link in clear mail', async () => {
    const { reference, token } = await submit({ reporterEmail: 'plain-finder@example.org' });
    await worker.drain();
    const [mail] = newMailsTo('plain-finder@example.org');
    assert.ok(mail, 'a receipt was sent');
    const text = await readable(mail);
    assert.ok(text.includes(reference), 'the receipt names the reference');
    assert.ok(!text.includes(token), 'a notice-only program never puts the tracking link in clear mail');
    assert.match(text, /\/track\/recover/, 'the mail says how to get the link back');
    const job = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'mail-acknowledgement').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(job.payload).includes('sealedToken'), 'the sealed token is scrubbed once sent');
  });

  it('mails one receipt for a report submitted through the API: the reference, the way back, no tracking link in clear', async () => {
    const { token: apiToken } = await makeApiToken(t.ctx.db, ['reports:submit']);
    const { policyVersion: _version, ...fields } = report;
    const res = await apiClient(t, apiToken).post('/api/v1/reports', { ...fields, reporterEmail: 'api-finder@example.org' });
    assert.equal(res.status, 201, res.body);
    const { reference } = res.json as { reference: string };
    const token = TRACK.exec(res.json.trackingUrl as string)![1]!;
    await worker.drain();
    const mails = newMailsTo('api-finder@example.org');
    assert.equal(mails.length, 1, 'one receipt');
    const text = await readable(mails[0]!);
    assert.match(text, new RegExp(`Subject: \\[${reference}\\]`));
    assert.ok(text.includes(reference), 'the receipt names the reference');
    assert.ok(!text.includes(token), 'a notice-only program never puts the tracking link in clear mail');
    assert.match(text, /\/track\/recover/, 'the mail says how to get the link back');

    // Where the program sends details in clear mail, the API's receipt carries the link too.
    const program = t.ctx.config.programs[0]!;
    await syncPrograms(t.ctx.db, [{ ...program, mail: { ...program.mail, unencryptedDetails: 'full' } }]);
    try {
      const full = await apiClient(t, apiToken).post('/api/v1/reports', { ...fields, reporterEmail: 'api-full-finder@example.org' });
      assert.equal(full.status, 201, full.body);
      await worker.drain();
      const [mail] = newMailsTo('api-full-finder@example.org');
      assert.ok(mail, 'a receipt was sent');
      assert.ok((await readable(mail)).includes(`/track/${TRACK.exec(full.json.trackingUrl as string)![1]!}`));
    } finally {
      await syncPrograms(t.ctx.db, [program]);
    }
  });

  it('encrypts the receipt, tracking link included, to the reporter’s key', async () => {
    const { reference, token } = await submit({ reporterEmail: 'keyed-finder@example.org', publicKey: keyPair.publicKey });
    await worker.drain();
    const [mail] = newMailsTo('keyed-finder@example.org');
    assert.ok(mail, 'a receipt was sent');
    assert.match(mail.raw, /multipart\/encrypted/);
    assert.ok(!mail.raw.includes(token), 'nothing in clear');
    const text = await readable(mail, keyPair.privateKey);
    assert.ok(text.includes(reference));
    assert.ok(text.includes(`/track/${token}`), 'the encrypted receipt carries the tracking link');
  });

  it('puts the link in a clear receipt only when the program sends details in clear mail', async () => {
    const program = t.ctx.config.programs[0]!;
    await syncPrograms(t.ctx.db, [{ ...program, mail: { ...program.mail, unencryptedDetails: 'full' } }]);
    try {
      const { reference, token } = await submit({ reporterEmail: 'full-finder@example.org' });
      await worker.drain();
      const [mail] = newMailsTo('full-finder@example.org');
      assert.ok(mail, 'a receipt was sent');
      const text = await readable(mail);
      assert.ok(text.includes(reference));
      assert.ok(text.includes(`/track/${token}`), 'details in clear mail: the link too');
    } finally {
      await syncPrograms(t.ctx.db, [program]);
    }
  });

  it('recovers a lost link by reference and address: the same page either way, a new link by mail only on a match', async () => {
    const { reference, token: oldToken } = await submit({ reporterEmail: 'Lost-Finder@Example.org' });
    await worker.drain();
    newMailsTo('Lost-Finder@Example.org');

    const answers = [];
    for (const fields of [
      { reference, email: 'someone-else@example.org' },
      { reference: 'EMB-1999-9999', email: 'lost-finder@example.org' },
      { reference: ` ${reference.toLowerCase()} `, email: ' lost-finder@EXAMPLE.org ' },
    ]) {
      const c = new Client(t.app);
      const res = await recover(c, fields);
      const page = await c.get(String(res.headers.location));
      answers.push({ status: res.statusCode, location: res.headers.location, page: page.body.replace(/name="_csrf" value="[^"]+"/g, '') });
    }
    assert.equal(answers[0]!.status, 303);
    assert.match(answers[0]!.page, /If the reference and the e-mail address belong to the same report/);
    assert.deepEqual(answers[1], answers[0], 'an unknown reference reads the same');
    assert.deepEqual(answers[2], answers[0], 'a match reads the same as a mismatch');

    const queued = JSON.stringify(await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'recover-tracking-link').execute());
    assert.ok(!/lost-finder|someone-else/i.test(queued), 'the requested address is sealed in the job');
    await worker.drain();
    const mails = sink.mails.slice(seen);
    seen = sink.mails.length;
    assert.equal(mails.length, 1, 'only the matching request mails');
    const mail = mails[0]!;
    assert.ok(mail.to.some((a) => a.toLowerCase() === 'lost-finder@example.org'), 'to the address given with the report');
    const text = await readable(mail);
    assert.ok(text.includes(reference));

    // Asked for at this address, the link comes even without a key; the old one no longer opens the report.
    const mailed = TRACK.exec(text)?.[1];
    assert.ok(mailed && mailed !== oldToken, 'a new link in the mail');
    const c = new Client(t.app);
    assert.equal((await c.get(`/track/${oldToken}`)).statusCode, 404);
    assert.equal((await c.get(`/track/${mailed}`)).statusCode, 200);
    const jobs = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'recover-tracking-link').execute();
    assert.equal(jobs.length, 3);
    for (const j of jobs) assert.ok(!JSON.stringify(j.payload).includes('sealedRequest'), 'requests are scrubbed once answered');
  });

  it('mails a new working link, encrypted, to a reporter with a key; the old one stops working', async () => {
    const { reference, token: oldToken } = await submit({ reporterEmail: 'keyed-finder@example.org', publicKey: keyPair.publicKey });
    await worker.drain();
    newMailsTo('keyed-finder@example.org');
    const res = await recover(new Client(t.app), { reference, email: 'keyed-finder@example.org' });
    assert.equal(res.statusCode, 303);
    await worker.drain();
    const [mail] = newMailsTo('keyed-finder@example.org');
    assert.ok(mail, 'the new link was mailed');
    assert.match(mail.raw, /multipart\/encrypted/);
    const text = await readable(mail, keyPair.privateKey);
    const newToken = TRACK.exec(text)?.[1];
    assert.ok(newToken && newToken !== oldToken, 'a new link');
    const c = new Client(t.app);
    assert.equal((await c.get(`/track/${oldToken}`)).statusCode, 404, 'the old link stops working');
    const page = await c.get(`/track/${newToken}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(reference));
  });

  it('refuses a request without the CSRF token', async () => {
    const c = new Client(t.app);
    await c.get('/track/recover');
    const res = await c.postForm('/track/recover', { reference: 'EMB-2026-0001', email: 'a@example.org' });
    assert.equal(res.statusCode, 403);
  });

  it('limits requests per client address', async () => {
    const c = new Client(t.app);
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await recover(c, { reference: `EMB-2000-${i}`, email: 'flood@example.org' })).statusCode;
    assert.equal(last, 429);
  });

  it('links the recovery page from the home page and from the receipt page', async () => {
    const c = new Client(t.app);
    assert.match((await c.get('/')).body, /href="\/track\/recover"/);
    const { token } = await submit({ reporterEmail: 'page-finder@example.org' });
    assert.match((await c.get(`/track/${token}?submitted=1`)).body, /href="\/track\/recover"/);
  });
});

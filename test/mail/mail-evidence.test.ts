import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import * as openpgp from 'openpgp';
import pino from 'pino';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { activeKey } from '../../src/keys/program-keys.ts';
import { loadProgramAddresses } from '../../src/mail-intake/recipients.ts';
import { startSmtpListener, type SmtpListener } from '../../src/mail-intake/smtp-listener.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { eraseReporterData } from '../../src/privacy/erase-reporter-data.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { formatFingerprint } from '../../src/web/views/mail-evidence-panel.tsx';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { otherProgram } from '../api/api-helpers.ts';
import { pgpMimeMail, rawMail, reporterKeyPair } from './mail-helpers.ts';

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The text of the report page's mail evidence panel, tags removed. */
function panelText(html: string): string {
  const m = /<section aria-labelledby="mail-evidence-h"[\s\S]*?<\/section>/.exec(html);
  assert.ok(m, 'the report page has a mail evidence panel');
  return decode(m[0].replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

/**
 * Staff see what the crypto said about the mail a report came from, and
 * download the original as it arrived: through the real SMTP listener, the
 * real job worker and the real web app (on the default database, PostgreSQL).
 */
describe('mail evidence on the staff report page', () => {
  let t: TestApp;
  let listener: SmtpListener;
  let worker: Worker;
  let programKey: openpgp.PublicKey;
  let triager: Client;
  let triagerName: string;
  let triagerId: string;
  let outsider: Client;

  before(async () => {
    t = await startTestApp();
    await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], pino({ level: 'silent' }));
    const program = await t.ctx.db.selectFrom('programs').select('id').where('slug', '=', 'example').executeTakeFirstOrThrow();
    programKey = await openpgp.readKey({ armoredKey: (await activeKey(t.ctx.db, program.id))!.publicKeyArmored });
    listener = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      hostname: 'mx.example.com',
      maxBytes: 1_000_000,
      programs: await loadProgramAddresses(t.ctx.db, ['example']),
      secret: t.ctx.secret,
      replyDomain: undefined,
      store: (mail) => storeInboundMail(t.ctx.db, t.ctx.secret, mail),
      logger: t.ctx.logger,
    });
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(t.ctx), logger: t.ctx.logger });
    triagerName = `Tess Triager ${randomBytes(2).toString('hex')}`;
    const staff = await makeStaff(t.ctx.db, 'triager', triagerName);
    triagerId = staff.id;
    triager = await Client.signedIn(t.app, staff);
    // A member of another program only: the report is not theirs to see.
    const other = await otherProgram(t.ctx.db);
    const email = `outsider-${Date.now()}@example.com`;
    await createStaffUser(t.ctx.db, { email, displayName: 'Olga Outsider', password: 'correct horse battery staple', role: 'admin' }, [other.id]);
    outsider = await Client.signedIn(t.app, { email, password: 'correct horse battery staple' });
  });
  after(async () => {
    await listener?.close();
    await t?.close();
  });

  /** A message as it travels in SMTP DATA: ending with a line break (the client adds one when it is missing). */
  const onTheWire = (raw: Buffer) => (raw.subarray(-2).toString() === '\r\n' ? raw : Buffer.concat([raw, Buffer.from('\r\n')]));

  /** Sends `raw` through the listener with a real SMTP client, runs the jobs, and returns the report's reference. */
  async function send(raw: Buffer): Promise<string> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({ envelope: { from: 'ada@example.org', to: ['security@example.com'] }, raw });
      assert.match(info.response, /^250 2\.0\.0 Stored as/);
    } finally {
      transport.close();
    }
    await worker.drain();
    const messageId = /Message-ID: <([^>]+)>/i.exec(raw.toString('latin1'))![1]!;
    const row = await t.ctx.db.selectFrom('inbound_mails as m').innerJoin('reports as r', 'r.id', 'm.report_id').select('r.reference').where('m.message_id', '=', messageId).executeTakeFirstOrThrow();
    return row.reference;
  }

  const downloadHref = (html: string) => /href="(\/staff\/reports\/[^"]+\/mails\/[0-9a-f-]{36}\/original)"/.exec(html)?.[1];

  it('shows a signed and encrypted PGP/MIME mail as decrypted with a valid signature by the reporter key, and serves the original as sent', async () => {
    const ada = await reporterKeyPair('ada@example.org');
    const marker = `EVIDENCE-${randomBytes(4).toString('hex')}`;
    const inner = [
      'Content-Type: multipart/mixed; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `${marker}: SSRF in the Example Cloud webhook tester reaches the metadata service.`,
      '--inner',
      'Content-Type: application/pgp-keys; name="ada.asc"',
      'Content-Disposition: attachment; filename="ada.asc"',
      '',
      ada.armored.trim(),
      '--inner--',
      '',
    ].join('\r\n');
    const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ text: inner }), encryptionKeys: programKey, signingKeys: ada.privateKey });
    const sent = onTheWire(pgpMimeMail(armored, { from: 'Ada Researcher <ada@example.org>', subject: '...' }));
    const reference = await send(sent);

    const page = await triager.get(`/staff/reports/${reference}`);
    assert.equal(page.statusCode, 200);
    const text = panelText(page.body);
    const fpr = formatFingerprint(ada.publicKey.getFingerprint());
    assert.match(text, /decrypted, signature valid/);
    assert.ok(text.includes(`Signed by Researcher <ada@example.org> ${fpr}`), text);
    assert.ok(text.includes(`Reporter’s key on file: ${fpr}`), text);
    assert.match(text, /\(the reporter’s key on file\)/);
    // The signer's user ID names the sender: sealed at rest like the fingerprint.
    assert.deepEqual(leakedMarkers(await dumpDatabase(t.ctx.db), { userId: 'Researcher <ada@example.org>' }), []);
    assert.ok(page.body.includes(marker), 'the decrypted text is the report');
    assert.ok(!text.includes(marker), 'and not repeated in the evidence');

    const href = downloadHref(page.body);
    assert.ok(href, 'a download link for the original');
    const download = await triager.get(href);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'message/rfc822');
    assert.match(String(download.headers['content-disposition']), /^attachment; filename="[A-Za-z0-9._-]+\.eml"$/);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
    assert.equal(download.headers['cache-control'], 'no-store');
    const bytes = download.rawPayload;
    // Exactly what was sent, after the one trace line the listener prepends.
    assert.ok(bytes.subarray(bytes.length - sent.length).equals(sent), 'the original ends with the bytes sent');
    assert.match(bytes.subarray(0, bytes.length - sent.length).toString('latin1'), /^Received: from [^\r\n]+(\r\n\s[^\r\n]+)*\r\n$/);

    // The download is recorded: who, and the page says so.
    const recorded = await t.ctx.db.selectFrom('inbound_mail_downloads').select(['staff_id']).execute();
    assert.deepEqual(recorded.map((r) => r.staff_id), [triagerId]);
    const again = panelText((await triager.get(`/staff/reports/${reference}`)).body);
    assert.ok(again.includes(`downloaded by ${triagerName}`), again);
  });

  it('shows an unsigned plain mail as not encrypted, not signed, with no reporter key', async () => {
    const sent = onTheWire(rawMail({ subject: 'Open redirect in the login page', body: 'The next parameter of /login redirects anywhere: /login?next=https://evil.example' }));
    const reference = await send(sent);
    const page = await triager.get(`/staff/reports/${reference}`);
    const text = panelText(page.body);
    assert.match(text, /not encrypted, not signed/);
    assert.match(text, /Reporter’s key on file: none/);
    assert.doesNotMatch(text, /Signed by/);
    const download = await triager.get(downloadHref(page.body)!);
    assert.ok(download.rawPayload.subarray(download.rawPayload.length - sent.length).equals(sent));
  });

  it('shows a signature that does not match the text as invalid, naming the key it claims', async () => {
    const mallory = await reporterKeyPair('mallory@example.org');
    const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: 'The admin panel at /admin has no authentication at all.' }), signingKeys: mallory.privateKey });
    const tampered = signed.replace('has no authentication', 'has weak authentication');
    assert.notEqual(tampered, signed);
    const reference = await send(rawMail({ from: 'mallory@example.org', subject: 'Admin panel without authentication', body: `${tampered}\n\n${mallory.armored}` }));
    const text = panelText((await triager.get(`/staff/reports/${reference}`)).body);
    assert.match(text, /not encrypted, signature invalid/);
    assert.ok(text.includes(`Signature claims Researcher <mallory@example.org> ${formatFingerprint(mallory.publicKey.getFingerprint())}`), text);
    assert.doesNotMatch(text, /signature valid/);
  });

  it('lets no one else download an original: another program\'s staff, someone signed out, or through another report', async () => {
    const sent = rawMail({ subject: 'IDOR on /api/invoices', body: 'Changing the invoice id in /api/invoices/123 shows other customers\' invoices.' });
    const reference = await send(sent);
    const href = downloadHref((await triager.get(`/staff/reports/${reference}`)).body)!;
    const before = await t.ctx.db.selectFrom('inbound_mail_downloads').select('id').execute();

    const foreign = await outsider.get(href);
    assert.equal(foreign.statusCode, 404, 'another program\'s admin: not found');
    assert.ok(!foreign.body.includes('invoices'));
    assert.equal((await outsider.get(`/staff/reports/${reference}`)).statusCode, 404);

    // A reporter (or anyone) without a staff session is sent to sign in, and gets no bytes.
    const anonymous = await new Client(t.app).get(href);
    assert.equal(anonymous.statusCode, 303);
    assert.match(String(anonymous.headers.location), /^\/staff\/login/);
    assert.ok(!anonymous.body.includes('invoices'));

    // The mail's id under another report's reference is not found either (no way around the report check).
    const elsewhere = await makeReport(t.ctx.db);
    const sideways = await triager.get(href.replace(reference, elsewhere.reference));
    assert.equal(sideways.statusCode, 404);
    assert.equal((await triager.get(href.replace(/[0-9a-f-]{36}/, 'not-a-mail-id'))).statusCode, 404);

    const afterwards = await t.ctx.db.selectFrom('inbound_mail_downloads').select('id').execute();
    assert.equal(afterwards.length, before.length, 'refused downloads record nothing');
    // A report that no mail touched has no panel.
    assert.doesNotMatch((await triager.get(`/staff/reports/${elsewhere.reference}`)).body, /mail-evidence-h/);
  });

  it('forgets who signed when the reporter’s personal data is erased', async () => {
    const eve = await reporterKeyPair('eve@example.org');
    const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: 'The export endpoint leaks every customer record to anonymous users.' }), signingKeys: eve.privateKey });
    const reference = await send(onTheWire(rawMail({ from: 'eve@example.org', subject: 'Anonymous export of customer records', body: `${signed}\n\n${eve.armored}` })));
    assert.match(panelText((await triager.get(`/staff/reports/${reference}`)).body), /Signed by Researcher <eve@example\.org>/);
    const report = await t.ctx.db.selectFrom('reports').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
    await eraseReporterData(t.ctx.db, t.ctx.vault, t.ctx.secret, { reportId: report.id, actor: { kind: 'staff', id: triagerId } });
    const mail = await t.ctx.db.selectFrom('inbound_mails').select(['signer_user_ids_sealed', 'signer_fingerprint_sealed']).where('report_id', '=', report.id).executeTakeFirstOrThrow();
    assert.equal(mail.signer_user_ids_sealed, null);
    assert.equal(mail.signer_fingerprint_sealed, null);
    assert.doesNotMatch(panelText((await triager.get(`/staff/reports/${reference}`)).body), /eve@example\.org/);
  });
});

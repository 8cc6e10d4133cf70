import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { freePort, startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { startSmtpSink, type CapturedMail } from '../helpers/smtp-sink.ts';
import { Gpg } from '../keys/gpg-helper.ts';
import { pgpMimeMail, rawMail, swaks } from './mail-helpers.ts';

/**
 * The whole path with the real peers a researcher uses: `embargo serve` as a
 * process with its SMTP listener, GnuPG encrypting to the key it publishes,
 * swaks delivering, and GnuPG reading what comes back through the relay.
 */
describe('e-mail with GnuPG and swaks against a running server', () => {
  let proc: EmbargoProcess;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let smtpPort: number;
  let programFpr: string;
  const gpg = new Gpg();
  const trust = ['--trust-model', 'always'];

  before(async () => {
    sink = await startSmtpSink();
    smtpPort = await freePort();
    proc = await startEmbargo({ env: { EMBARGO_SMTP_LISTEN: `127.0.0.1:${smtpPort}`, EMBARGO_SMTP_URL: sink.url, EMBARGO_MAIL_FROM: 'security@example.com' } });
    const key = await fetch(`${proc.baseUrl}/pgp-key.txt`).then((r) => r.text());
    await gpg.ok(['--import'], key);
    programFpr = (await gpg.fingerprints())[0]!;
    await gpg.ok(['--passphrase', '', '--quick-gen-key', 'Grace Researcher <grace@example.org>', 'future-default', 'default', 'never']);
  });
  after(async () => {
    await proc?.stop();
    proc?.removeFiles();
    await sink?.close();
    gpg.close();
  });

  const send = (raw: Buffer, from = 'grace@example.org', to = 'security@example.com') =>
    swaks(['--server', `127.0.0.1:${smtpPort}`, '--from', from, '--to', to, '--data', '-'], raw);

  async function waitForMail(match: (m: CapturedMail) => boolean, timeoutMs = 15_000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = sink.mails.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms; log:\n${proc.stdout().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** gpg opens an encrypted acknowledgement, checking it was signed by the key /pgp-key.txt publishes. */
  async function gpgOpen(mail: CapturedMail): Promise<ParsedMail> {
    const ciphertext = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(mail.raw)![0];
    const r = await gpg.ok(['--status-fd', '2', '--decrypt'], ciphertext);
    assert.match(r.stderr, new RegExp(`VALIDSIG ${programFpr}`), 'signed with the published program key');
    return simpleParser(r.stdout);
  }

  const trackingLink = (text: string | undefined) => /(http:\/\/127\.0\.0\.1:\d+\/track\/[A-Za-z0-9_-]{43})/.exec(text ?? '')![1]!;

  it('reads an inline message gpg encrypted to /pgp-key.txt, and acknowledges with the tracking link', async () => {
    const secret = `GPG-INLINE-${randomBytes(4).toString('hex')}: auth bypass via X-Original-URL`;
    const armored = (await gpg.ok([...trust, '--encrypt', '--armor', '-r', 'security@example.com'], secret)).stdout.toString();
    const sent = await send(rawMail({ from: 'Grace Researcher <grace@example.org>', subject: 'Auth bypass', body: armored }));
    assert.match(sent.out, /250 2\.0\.0 Stored as/);
    const ack = await waitForMail((m) => m.to.includes('grace@example.org') && /We received your vulnerability report/.test(m.raw));
    const parsed = await simpleParser(ack.raw);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
    const page = await fetch(trackingLink(parsed.text)).then((r) => r.text());
    assert.ok(page.includes(secret), 'the decrypted text is on the tracking page');
    assert.ok(!proc.stdout().includes(secret) && !proc.stderr().includes(secret), 'and nowhere in the log');
  });

  it('opens PGP/MIME with an encrypted attachment, and answers encrypted to the key the researcher attached', async () => {
    const secret = `GPG-MIME-${randomBytes(4).toString('hex')}`;
    const poc = `#!/usr/bin/env python3\nprint("${secret} proof of concept")\n`;
    const graceKey = (await gpg.ok(['--armor', '--export', 'grace@example.org'])).stdout.toString();
    const inner = [
      'Content-Type: multipart/mixed; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `${secret}: path traversal in the firmware upload of Example Gateway.`,
      '--inner',
      'Content-Type: text/x-python; name="poc.py"',
      'Content-Disposition: attachment; filename="poc.py"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(poc).toString('base64'),
      '--inner',
      'Content-Type: application/pgp-keys; name="grace.asc"',
      'Content-Disposition: attachment; filename="grace.asc"',
      '',
      graceKey.trim(),
      '--inner--',
      '',
    ].join('\r\n');
    const armored = (await gpg.ok([...trust, '--encrypt', '--sign', '--armor', '-r', 'security@example.com', '-u', 'grace@example.org'], inner)).stdout.toString();
    const sent = await send(pgpMimeMail(armored, { from: 'grace@example.org', subject: '...' }));
    assert.match(sent.out, /250 2\.0\.0 Stored as/);
    const ack = await waitForMail((m) => m.to.includes('grace@example.org') && m.raw.includes('multipart/encrypted'));
    assert.ok(!ack.raw.includes('/track/'), 'the tracking link travels only inside the encryption');
    const opened = await gpgOpen(ack);
    assert.match(opened.text ?? '', /encrypted to your OpenPGP key/);
    const link = trackingLink(opened.text);
    const page = await fetch(link).then((r) => r.text());
    assert.ok(page.includes(`${secret}: path traversal`));
    const href = /href="(\/track\/[^"]+\/attachments\/[^"]+)"[^>]*>\s*poc\.py/.exec(page)?.[1];
    assert.ok(href, 'the decrypted attachment is listed');
    const download = await fetch(`${proc.baseUrl}${href}`);
    assert.equal(await download.text(), poc);
    await waitForLog(proc, /mail filed as a new report/);
    const filed = proc.logLines().filter((l) => l.msg === 'mail filed as a new report').at(-1)!;
    assert.equal(filed.decryption, 'decrypted');
    assert.equal(filed.signature, 'valid');
  });

  it('joins a reply sent to the per-report address, and never answers a bounce', async () => {
    const ack = await waitForMail((m) => m.to.includes('grace@example.org') && /We received your vulnerability report/.test(m.raw));
    const parsed = await simpleParser(ack.raw);
    const replyTo = parsed.replyTo!.value[0]!.address!;
    const reply = `REPLY-${randomBytes(4).toString('hex')}: it also works with HTTP/2.`;
    const sent = await send(rawMail({ from: 'grace@example.org', to: replyTo, subject: `Re: ${parsed.subject}`, headers: { 'In-Reply-To': parsed.messageId! }, body: reply }), 'grace@example.org', replyTo);
    assert.match(sent.out, /250 2\.0\.0 Stored as/);
    await waitForLog(proc, /mail joined the report thread/, 10_000);
    const page = await fetch(trackingLink(parsed.text)).then((r) => r.text());
    assert.ok(page.includes(reply), 'the reply is on the thread');

    const mailsBefore = sink.mails.length;
    const bounce = await send(rawMail({ from: 'MAILER-DAEMON@mx.example.org', subject: 'Undelivered Mail Returned to Sender', headers: { 'In-Reply-To': parsed.messageId! }, body: 'user unknown' }), '<>');
    assert.match(bounce.out, /250 2\.0\.0 Stored as/);
    await waitForLog(proc, /automatic mail stored, not acknowledged/, 10_000);
    await new Promise((r) => setTimeout(r, 1500)); // a worker poll later, still nothing sent
    assert.equal(sink.mails.length, mailsBefore, 'no acknowledgement of a bounce');
  });
});

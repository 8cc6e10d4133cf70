import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { mailEvidence, originalMail } from '../../src/mail-intake/evidence.ts';
import { processInboundMail } from '../../src/mail-intake/process-inbound.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { findReportByReference, listAttachments } from '../../src/reports/read-report.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { mailContext, pgpMimeMail, rawMail, reporterKeyPair, type MailTestContext } from './mail-helpers.ts';

/**
 * Mail written to break things: every one must end as a clear outcome (a
 * report, flagged where something could not be opened), never a crash, a
 * stuck job or a lost message.
 */
for (const kind of await databaseKinds()) {
  describe(`mail intake: hostile and broken mail (${kind})`, () => {
    let t: TestDatabase;
    let m: MailTestContext;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let programId: string;
    let seq = 0;
    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      m = await mailContext(t.db, { EMBARGO_SMTP_URL: sink.url });
      programId = (await demo(t.db)).id;
    });
    after(async () => {
      m?.close();
      await sink?.close();
      await t?.close();
    });

    /** Delivers from a fresh address each time (the acknowledgement cap is per address) and runs the jobs. */
    async function deliver(raw: Buffer) {
      const stored = await storeInboundMail(t.db, m.ctx.secret, { programId, raw, source: 'smtp', envelopeFrom: `r${seq}@example.org`, envelopeTo: ['security@example.com'] });
      await m.worker.drain();
      const failedJobs = await t.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '!=', 'done').execute();
      assert.deepEqual(failedJobs, [], 'every job finished');
      const row = await t.db.selectFrom('inbound_mails').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow();
      const reference = row.report_id ? (await t.db.selectFrom('reports').select('reference').where('id', '=', row.report_id).executeTakeFirstOrThrow()).reference : undefined;
      const report = reference ? await findReportByReference(t.db, m.ctx.vault, reference) : undefined;
      return { row, report, files: report ? await listAttachments(t.db, m.ctx.vault, report.id) : [] };
    }
    const from = () => `Reporter ${++seq} <r${seq}@example.org>`;

    it('keeps and flags mail encrypted to a key that is not ours, and tells the sender which key to use', async () => {
      const stranger = await reporterKeyPair('someone@elsewhere.example');
      const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'WRONG-KEY-SECRET' }), encryptionKeys: stranger.publicKey });
      const { row, report, files } = await deliver(pgpMimeMail(armored, { from: from(), subject: 'Encrypted report' }));
      assert.equal(row.outcome, 'new-report');
      assert.equal(row.decryption, 'failed');
      assert.match(row.detail ?? '', /not a key of this program/);
      assert.match(report!.description, /could not be decrypted or read: it is encrypted to key ID [0-9A-F]{16}/);
      assert.deepEqual(files.map((f) => f.filename), ['encrypted.asc']);
      const ack = await simpleParser(sink.mails.at(-1)!.raw);
      assert.match(ack.text ?? '', /We could not decrypt your message/);
      assert.match(ack.text ?? '', new RegExp(m.programKey.getFingerprint().toUpperCase()));
      // what staff see: the flag, and the original for anyone holding the right key
      const evidence = await mailEvidence(t.db, m.ctx.secret, report!.id);
      assert.deepEqual(evidence.map((e) => [e.outcome, e.decryption]), [['new-report', 'failed']]);
      const original = await originalMail(t.db, m.ctx.secret, report!.id, evidence[0]!.id);
      assert.equal(createHash('sha256').update(original!).digest('hex'), evidence[0]!.rawSha256);
      assert.equal(await originalMail(t.db, m.ctx.secret, '00000000-0000-0000-0000-000000000000', evidence[0]!.id), undefined);
    });

    it('files a mail unread, with the original attached, after repeated failures to read it', async () => {
      const stored = await storeInboundMail(t.db, m.ctx.secret, { programId, raw: rawMail({ from: from(), subject: 'Unreadable somehow', body: 'x' }), source: 'smtp', envelopeTo: ['security@example.com'] });
      await t.db.deleteFrom('jobs').where('kind', '=', 'process-inbound-mail').where('state', '=', 'pending').execute();
      await processInboundMail(m.ctx, stored.id, 3);
      const row = await t.db.selectFrom('inbound_mails').select(['outcome', 'decryption', 'report_id']).where('id', '=', stored.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.outcome, row.decryption], ['new-report', 'failed']);
      const files = await listAttachments(t.db, m.ctx.vault, row.report_id!);
      assert.deepEqual(files.map((f) => f.filename), ['original.eml']);
    });

    it('keeps truncated armor as text and says so', async () => {
      const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'cut off' }), encryptionKeys: m.programKey });
      const cut = armored.slice(0, Math.floor(armored.length / 2));
      const { row, report } = await deliver(rawMail({ from: from(), subject: 'Truncated armor', body: `Here it is:\n\n${cut}` }));
      assert.equal(row.decryption, 'failed');
      assert.match(row.detail ?? '', /truncated/);
      assert.ok(report!.description.includes(cut.split('\n')[3]!), 'the partial ciphertext is kept');
    });

    it('files malformed MIME: unterminated multiparts, bad base64, binary junk, headerless and empty mail', async () => {
      const junk = randomBytes(2000).toString('latin1');
      const broken = [
        rawMail({ from: from(), subject: 'Unterminated', contentType: 'multipart/mixed; boundary="never-closed"', body: '--never-closed\r\nContent-Type: text/plain\r\n\r\nPART-ONE text survives\r\n--never-closed\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!' }),
        rawMail({ from: from(), subject: 'No parts at all', contentType: 'multipart/alternative; boundary="x"', body: 'no delimiter anywhere' }),
        rawMail({ from: from(), subject: 'Encrypted, but empty', contentType: 'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"', body: '--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e--' }),
        Buffer.concat([Buffer.from(`From: ${from()}\r\nSubject: binary junk\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\n`), Buffer.from(junk, 'latin1')]),
        Buffer.from('this line has no colon\r\nneither: does this one? yes it does\r\n\r\nbody'),
        Buffer.from('\r\n'),
      ];
      const filed = [];
      for (const raw of broken) {
        const { row, report } = await deliver(raw);
        assert.equal(row.outcome, 'new-report', `filed: ${raw.subarray(0, 60).toString('latin1')}`);
        assert.ok(report!.title.length >= 5);
        filed.push(report!);
      }
      assert.equal(filed[0]!.title, 'Unterminated');
      assert.match(filed[0]!.description, /PART-ONE text survives/);
      const empty = await t.db.selectFrom('inbound_mails').select(['decryption', 'detail']).where('size', '<', 100).orderBy('received_at', 'desc').executeTakeFirstOrThrow();
      assert.equal(empty.decryption, 'not-encrypted');
      const noPart = await t.db.selectFrom('inbound_mails').select(['decryption', 'detail']).where('detail', 'like', '%no encrypted part%').executeTakeFirst();
      assert.equal(noPart?.decryption, 'failed');
    });

    it('copes with huge headers: thousands of lines and a 100 kB subject', async () => {
      const junkHeaders = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`X-Junk-${i}`, 'x'.repeat(60)]));
      const subject = `Huge ${'subject '.repeat(12_500)}`;
      const started = Date.now();
      const { row, report } = await deliver(rawMail({ from: from(), subject, headers: junkHeaders, body: 'HUGE-HEADERS body is still read.' }));
      assert.equal(row.outcome, 'new-report');
      assert.equal(report!.title.length, 200);
      assert.match(report!.description, /HUGE-HEADERS body/);
      assert.ok(Date.now() - started < 10_000);
    });

    it('copes with zip-like nesting: deep multiparts, nested messages, many attachments, an OpenPGP compression bomb', async () => {
      let deep = 'Content-Type: text/plain\r\n\r\nDEEP-TEXT at the bottom';
      for (let i = 0; i < 150; i++) deep = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${deep}\r\n--b${i}--`;
      const deepMail = Buffer.from(`From: ${from()}\r\nSubject: Deep nesting\r\nMIME-Version: 1.0\r\n${deep}\r\n`);
      const deepResult = await deliver(deepMail);
      assert.equal(deepResult.row.outcome, 'new-report');

      let nested = 'Subject: innermost\r\n\r\nINNERMOST';
      for (let i = 0; i < 25; i++) nested = `Subject: level ${i}\r\nContent-Type: message/rfc822\r\n\r\n${nested}`;
      const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), randomBytes(3000)]);
      const parts = [
        '--m\r\nContent-Type: text/plain\r\n\r\nMANY-ATTACHMENTS see files',
        `--m\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename="fwd.eml"\r\n\r\n${nested}`,
        `--m\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename="poc.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${zip.toString('base64')}`,
        ...Array.from({ length: 28 }, (_, i) => `--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="log${i}.txt"\r\n\r\nlog ${i}`),
        '--m--',
      ];
      const many = await deliver(rawMail({ from: from(), subject: 'Many attachments', contentType: 'multipart/mixed; boundary="m"', body: parts.join('\r\n') }));
      assert.equal(many.files.length, 20);
      assert.equal(many.files.find((f) => f.filename === 'poc.zip')?.sha256, createHash('sha256').update(zip).digest('hex'));
      assert.match(many.report!.description, /10 attachment\(s\) exceeded the limits/);

      const bomb = await openpgp.encrypt({
        // Past the intake's budget (4 × the mail size limit, here 100 MiB): a plaintext of exactly the budget is allowed.
        message: await openpgp.createMessage({ binary: new Uint8Array(128 * 1024 * 1024) }),
        encryptionKeys: m.programKey,
        config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
      });
      assert.ok(bomb.length < 1024 * 1024, 'a small mail');
      const bombed = await deliver(pgpMimeMail(bomb, { from: from(), subject: 'Compression bomb' }));
      assert.equal(bombed.row.outcome, 'new-report');
      assert.equal(bombed.row.decryption, 'failed');
      assert.match(bombed.row.detail ?? '', /inflates beyond|decompress/i);
    });

    it('reads HTML-only mail and encoded-word subjects in other charsets', async () => {
      const { report } = await deliver(
        rawMail({ from: from(), subject: '=?ISO-8859-1?Q?Faille_XSS_dans_l=27=E9diteur?=', contentType: 'text/html; charset=utf-8', body: '<p>HTML-ONLY <b>report</b></p><script>alert(1)</script>' }),
      );
      assert.equal(report!.title, "Faille XSS dans l'éditeur");
      assert.match(report!.description, /HTML-ONLY report/);
    });
  });
}

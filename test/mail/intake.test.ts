import assert from 'node:assert/strict';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { RAW_MAIL_PURPOSE, storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { mailEvidence } from '../../src/mail-intake/evidence.ts';
import { reporterEncryptionKey } from '../../src/mail/reporter-keys.ts';
import { unseal } from '../../src/mail/seal.ts';
import { findReportByReference, findReportByTrackingToken, listAttachments, loadTimeline } from '../../src/reports/read-report.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeStaff, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { mailContext, pgpMimeMail, rawMail, reporterKeyPair, type MailTestContext } from './mail-helpers.ts';

/** The duplicate-delivery key as earlier versions stored it: a plain SHA-256 of Message-ID and body. */
function unkeyedDedupeKey(messageId: string, raw: Buffer): Buffer {
  const split = raw.indexOf('\r\n\r\n');
  const body = split >= 0 ? raw.subarray(split + 4) : Buffer.alloc(0);
  return createHash('sha256').update('id\0').update(messageId).update('\0').update(body).digest();
}

for (const kind of await databaseKinds()) {
  describe(`mail intake: reports and replies (${kind})`, () => {
    let t: TestDatabase;
    let m: MailTestContext;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let programId: string;
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

    /** Stores like the listener does, then runs the jobs (processing, acknowledgement). */
    async function deliver(raw: Buffer, envelope: { from?: string; to?: string[] } = {}) {
      const stored = await storeInboundMail(t.db, m.ctx.secret, { programId, raw, source: 'smtp', envelopeFrom: envelope.from ?? 'ada@example.org', envelopeTo: envelope.to ?? ['security@example.com'] });
      await m.worker.drain();
      const row = await t.db.selectFrom('inbound_mails').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow();
      const report = row.report_id ? await t.db.selectFrom('reports').select(['reference']).where('id', '=', row.report_id).executeTakeFirst() : undefined;
      return { stored, row, reference: report?.reference };
    }

    async function ackFor(reference: string) {
      const raw = sink.mails.find((x) => x.raw.includes(`[${reference}] We received`));
      return raw && { raw: raw.raw, parsed: await simpleParser(raw.raw) };
    }

    it('files a plain mail as a report, stores the original sealed, and acknowledges with a working tracking link', async () => {
      const raw = rawMail({ subject: 'Re: SQL injection in Example Cloud search', body: 'The q parameter of /search is concatenated into SQL.\n\nTry: q=1\' OR 1=1 --' });
      const { row, reference } = await deliver(raw);
      assert.equal(row.outcome, 'new-report');
      assert.equal(row.decryption, 'not-encrypted');
      assert.ok(reference);
      const report = (await findReportByReference(t.db, m.ctx.vault, reference))!;
      assert.equal(report.channel, 'email');
      assert.equal(report.title, 'SQL injection in Example Cloud search');
      assert.equal(report.product, 'example-cloud');
      assert.equal(report.steps_to_reproduce, '(see description)');
      assert.equal(report.credit_preference, 'name', 'the demo program credits unless declined: by the name the sender gave');
      assert.equal(report.reporter_email, 'ada@example.org');
      assert.equal(report.reporter_name, 'Ada Researcher');
      assert.match(report.description, /concatenated into SQL/);
      // evidence: sealed at rest, exact bytes back with the key
      assert.ok(!row.raw_sealed.includes(Buffer.from('concatenated')));
      const opened = unseal(m.ctx.secret, RAW_MAIL_PURPOSE, row.id, row.raw_sealed);
      assert.ok(opened.equals(raw));
      // The digest of the raw mail and its duplicate-delivery key would let a dump confirm a known mail: sealed and keyed.
      const digest = createHash('sha256').update(raw).digest('hex');
      assert.equal(row.raw_sha256, null);
      assert.equal((await mailEvidence(t.db, m.ctx.secret, row.report_id!))[0]?.rawSha256, digest);
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.db), { digest }), []);
      assert.notDeepEqual(row.dedupe_key, unkeyedDedupeKey(row.message_id!, raw), 'the duplicate-delivery key is keyed');

      const ack = (await ackFor(reference))!;
      assert.ok(ack, 'acknowledgement sent');
      assert.equal(ack.parsed.headers.get('auto-submitted'), 'auto-replied');
      assert.equal(ack.parsed.inReplyTo, `<${row.message_id}>`);
      assert.match(String(ack.parsed.replyTo?.text), /^security\+emb-\d{4}-\d{4}\.[a-z2-7]{16}@example\.com$/);
      const token = /\/track\/([A-Za-z0-9_-]{43})/.exec(ack.parsed.text ?? '')![1]!;
      assert.equal((await findReportByTrackingToken(t.db, m.ctx.vault, token))?.reference, reference);
      assert.ok(!ack.raw.includes('concatenated'), 'the unencrypted acknowledgement carries no report details');
      assert.match(ack.parsed.text ?? '', /Lost your tracking link\? Ask for a new one with the report’s reference and your e-mail address at https?:\/\/[^\s]+\/track\/recover\b/, 'it says how to get the link back');
      // the token lived in the job only until the mail was sent
      const jobs = await t.db.selectFrom('jobs').select(['kind', 'payload', 'state']).where('kind', '=', 'mail-acknowledgement').execute();
      assert.ok(jobs.every((j) => j.state === 'done' && !('sealedToken' in j.payload)));
      const deliveries = await t.db.selectFrom('mail_deliveries').selectAll().where('report_id', '=', row.report_id).execute();
      assert.deepEqual(deliveries.map((d) => [d.template, d.result, d.attempt, d.encrypted]), [['acknowledgement', 'sent', 1, false]]);
      assert.match(deliveries[0]!.smtp_response ?? '', /^250/);
      assert.ok(!m.logText().includes('concatenated'), 'no report text in the log');
    });

    it('takes the credit from the program’s policy: the sender’s name unless declined (anonymous without one), nobody under “on-request”', async () => {
      const creditOf = async (reference: string | undefined) => {
        assert.ok(reference, 'filed as a report');
        return (await findReportByReference(t.db, m.ctx.vault, reference))!.credit_preference;
      };
      const named = await deliver(rawMail({ from: 'Grace Finder <grace@example.org>', subject: 'Open redirect on the login page', body: 'next= accepts any URL.' }), { from: 'grace@example.org' });
      assert.equal(await creditOf(named.reference), 'name');
      const bare = await deliver(rawMail({ from: 'nameless@example.org', subject: 'Path traversal in the export', body: '../ in the file name.' }), { from: 'nameless@example.org' });
      assert.equal(await creditOf(bare.reference), 'anonymous', 'unless declined, with no name given: credited as an anonymous researcher');

      await syncPrograms(t.db, [{ ...demoProgram, credit: 'on-request' }]);
      try {
        const onRequest = await deliver(rawMail({ from: 'Quiet Finder <quiet@example.org>', subject: 'CSRF on the settings page', body: 'No token on POST /settings.' }), { from: 'quiet@example.org' });
        assert.equal(await creditOf(onRequest.reference), 'none', 'credit on request: nobody is credited until they ask');
      } finally {
        await syncPrograms(t.db, [demoProgram]);
      }
    });

    it('answers a mail that names its language (Content-Language) in it, and one that does not in the program’s default', async () => {
      const swedish = await deliver(rawMail({ from: 'Sven <sven@example.org>', subject: 'XSS i sökfältet', headers: { 'Content-Language': 'sv-SE' }, body: 'Sökparametern q skrivs ut oescapad i sidan, så skript körs.' }), { from: 'sven@example.org' });
      const stored = await t.db.selectFrom('reports').select('language').where('reference', '=', swedish.reference!).executeTakeFirstOrThrow();
      assert.equal(stored.language, 'sv');
      const ack = sink.mails.find((x) => x.to.includes('sven@example.org'));
      assert.ok(ack, 'acknowledged');
      assert.equal((await simpleParser(ack.raw)).subject, `[${swedish.reference}] Vi har tagit emot din sårbarhetsrapport`);
      const plain = await deliver(rawMail({ from: 'Ola <ola@example.org>', subject: 'Open redirect in login', body: 'The next parameter accepts any absolute URL at all.' }), { from: 'ola@example.org' });
      assert.equal((await t.db.selectFrom('reports').select('language').where('reference', '=', plain.reference!).executeTakeFirstOrThrow()).language, 'en');
    });

    it('stores a mail delivered twice (a retry after a lost 250) once', async () => {
      const raw = rawMail({ messageId: 'dup-1@example.org', body: 'Same mail twice, the body of it is long enough.' });
      const first = await deliver(raw);
      const again = await deliver(Buffer.concat([Buffer.from('Received: from relay2 by mx; Mon, 1 Jan 2026 00:00:00 +0000\r\n'), raw]));
      assert.equal(again.stored.duplicate, true);
      assert.equal(again.stored.id, first.stored.id);
      const n = await t.db.selectFrom('inbound_mails').select((eb) => eb.fn.countAll<string>().as('n')).where('message_id', '=', 'dup-1@example.org').executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 1);
    });

    it('decrypts inline PGP, verifies the signature with the attached key, and answers encrypted and signed', async () => {
      const ada = await reporterKeyPair('ada@example.org');
      const armored = await openpgp.encrypt({
        message: await openpgp.createMessage({ text: 'INLINE-SECRET: heap overflow in the TLV parser of Example Gateway' }),
        encryptionKeys: m.programKey,
        signingKeys: ada.privateKey,
      });
      const { row, reference } = await deliver(rawMail({ subject: 'Gateway bug', body: `${armored}\n\n${ada.armored}` }));
      assert.equal(row.decryption, 'decrypted');
      assert.equal(row.signature, 'valid');
      // A fingerprint finds its owner on a key server: sealed like the sender's address.
      assert.equal(row.signer_fingerprint, null);
      assert.equal((await mailEvidence(t.db, m.ctx.secret, row.report_id!)).at(-1)?.signerFingerprint, ada.publicKey.getFingerprint());
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.db), { fingerprint: ada.publicKey.getFingerprint() }), []);
      const report = (await findReportByReference(t.db, m.ctx.vault, reference!))!;
      assert.match(report.description, /INLINE-SECRET: heap overflow/);
      assert.ok(!report.description.includes('BEGIN PGP'), 'armor and the pasted key are not in the description');
      assert.equal(report.product, 'example-gateway');
      const key = await t.db.selectFrom('reporter_keys').selectAll().where('report_id', '=', row.report_id!).executeTakeFirstOrThrow();
      assert.equal(key.fingerprint, null, 'kept sealed: a fingerprint finds its owner on a key server');
      assert.equal((await reporterEncryptionKey(t.db, m.ctx.vault, row.report_id!))?.getFingerprint(), ada.publicKey.getFingerprint());
      assert.equal(key.source, 'email');

      const ack = (await ackFor(reference!))!;
      assert.match(ack.raw, /multipart\/encrypted; protocol="application\/pgp-encrypted"/);
      const ciphertext = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(ack.raw)![0];
      const opened = await openpgp.decrypt({
        message: await openpgp.readMessage({ armoredMessage: ciphertext }),
        decryptionKeys: ada.privateKey,
        verificationKeys: m.programKey,
        expectSigned: true,
      });
      const inner = await simpleParser(Buffer.from(opened.data as string));
      assert.match(inner.text ?? '', /\/track\/[A-Za-z0-9_-]{43}/);
      assert.match(inner.text ?? '', /encrypted to your OpenPGP key/);
    });

    it('opens PGP/MIME with an encrypted attachment and a protected subject', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      const inner = [
        'Content-Type: multipart/mixed; boundary="inner"; protected-headers="v1"',
        'Subject: PROTECTED: token reuse in Example Mobile',
        '',
        '--inner',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'MIME-SECRET: the session token survives logout.',
        '--inner',
        'Content-Type: image/png; name="poc.png"',
        'Content-Disposition: attachment; filename="poc.png"',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--inner--',
        '',
      ].join('\r\n');
      const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: Buffer.from(inner) }), encryptionKeys: m.programKey });
      const { row, reference } = await deliver(pgpMimeMail(armored, { subject: '...' }));
      assert.equal(row.decryption, 'decrypted');
      assert.equal(row.signature, 'unsigned');
      const report = (await findReportByReference(t.db, m.ctx.vault, reference!))!;
      assert.equal(report.title, 'PROTECTED: token reuse in Example Mobile');
      assert.match(report.description, /MIME-SECRET/);
      const files = await listAttachments(t.db, m.ctx.vault, report.id);
      assert.deepEqual(files.map((f) => [f.filename, f.size]), [['poc.png', png.length]]);
      assert.equal(files[0]!.sha256, createHash('sha256').update(png).digest('hex'));
    });

    it('verifies PGP/MIME signed mail over the exact first part, and flags a tampered one', async () => {
      const ada = await reporterKeyPair('dee@example.org');
      // As Thunderbird signs with "attach my public key": the key travels inside the signed part.
      const part = [
        'Content-Type: multipart/mixed; boundary="mixed"',
        '',
        '--mixed',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'SIGNED-TEXT: open redirect in /login?next=',
        '--mixed',
        'Content-Type: application/pgp-keys; name="OpenPGP_0x1.asc"',
        'Content-Disposition: attachment; filename="OpenPGP_0x1.asc"',
        '',
        ada.armored.trim(),
        '--mixed--',
        '',
      ]
        .join('\n')
        .replace(/\r?\n/g, '\r\n'); // signed as sent: CRLF throughout (RFC 3156 §5)
      const sign = async (signed: string) =>
        openpgp.sign({ message: await openpgp.createMessage({ binary: Buffer.from(signed) }), signingKeys: ada.privateKey, detached: true });
      const signedMail = (text: string, signature: string) =>
        rawMail({
          from: 'dee@example.org',
          contentType: 'multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"',
          body: ['--sig', text, '--sig', 'Content-Type: application/pgp-signature; name="signature.asc"', '', signature.trim(), '--sig--', ''].join('\r\n'),
        });
      const signature = await sign(part);
      const good = await deliver(signedMail(part, signature), { from: 'dee@example.org' });
      assert.equal(good.row.signature, 'valid');
      assert.equal((await mailEvidence(t.db, m.ctx.secret, good.row.report_id!)).at(-1)?.signerFingerprint, ada.publicKey.getFingerprint());
      const report = (await findReportByReference(t.db, m.ctx.vault, good.reference!))!;
      assert.match(report.description, /SIGNED-TEXT: open redirect/);
      assert.deepEqual(await listAttachments(t.db, m.ctx.vault, report.id), [], 'the key is stored as the key, not as an attachment');
      assert.ok(await t.db.selectFrom('reporter_keys').select('report_id').where('report_id', '=', report.id).executeTakeFirst());

      const tampered = await deliver(signedMail(part.replace('SIGNED-TEXT', 'SIGNED-TEXT!'), signature), { from: 'dee@example.org' });
      assert.equal(tampered.row.signature, 'invalid');
      const textOnly = 'Content-Type: text/plain\r\n\r\nSigned, but the key is not here.';
      const unknown = await deliver(signedMail(textOnly, await sign(textOnly)), { from: 'dee@example.org' });
      assert.equal(unknown.row.signature, 'unknown-key');
    });

    it('never acknowledges bounces or auto-replies, and keeps them on the thread they answer', async () => {
      const original = await deliver(rawMail({ from: 'bo@example.org', subject: 'CSRF on the settings page', body: 'The settings form has no CSRF token at all, see attached.' }), { from: 'bo@example.org' });
      const ack = (await ackFor(original.reference!))!;
      const ackId = ack.parsed.messageId!;
      const before = sink.mails.length;
      const reports = async () => Number((await t.db.selectFrom('reports').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      const count = await reports();

      const bounce = await deliver(rawMail({ from: 'MAILER-DAEMON@mx.example.org', subject: 'Undelivered Mail Returned to Sender', headers: { 'In-Reply-To': ackId }, body: 'User unknown' }), { from: '' });
      assert.equal(bounce.row.outcome, 'bounce');
      assert.equal(bounce.row.report_id, original.row.report_id, 'linked to the thread as evidence');
      const vacation = await deliver(rawMail({ subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied', 'In-Reply-To': ackId }, body: 'I am away until Monday.' }));
      assert.equal(vacation.row.outcome, 'auto-reply');
      const xauto = await deliver(rawMail({ subject: 'Autoreply: thanks', headers: { 'X-Autoreply': 'yes' }, body: 'Thanks for your mail.' }));
      assert.equal(xauto.row.outcome, 'auto-reply');
      assert.equal(xauto.row.report_id, null);
      const loop = await deliver(rawMail({ from: 'security@example.com', subject: 'Looping', body: 'From ourselves.' }));
      assert.equal(loop.row.outcome, 'ignored');
      assert.equal(await reports(), count);

      const bulk = await deliver(rawMail({ subject: 'Automated scan finding: open port', headers: { Precedence: 'bulk' }, body: 'Scanner found port 23 open on gw.example.com.' }));
      assert.equal(bulk.row.outcome, 'new-report', 'machine mail with a finding is kept as a report');
      assert.equal(sink.mails.length, before, 'and nothing of these was answered');
      const timeline = await loadTimeline(t.db, m.ctx.vault, original.row.report_id!, 'staff', []);
      assert.equal(timeline.filter((e) => e.kind === 'message').length, 0, 'automatic mail is not a reporter message');
    });

    it('joins replies to the thread by reply address and by In-Reply-To, resuming a report that waited on the reporter', async () => {
      const staff = await makeStaff(t.db, 'triager');
      const first = await deliver(rawMail({ from: 'cy@example.org', subject: 'IDOR on invoices', body: 'Changing the id in /invoices/123 shows other customers invoices.' }), { from: 'cy@example.org' });
      const ack = (await ackFor(first.reference!))!;
      await changeState(t.db, testVault, { reportId: first.row.report_id!, to: 'needs-info', actorId: staff.id });
      await m.worker.drain();

      const replyTo = String(ack.parsed.replyTo!.value[0]!.address);
      const viaAddress = await deliver(rawMail({ from: 'cy@example.org', to: replyTo, subject: `Re: [${first.reference}] We received`, body: 'REPLY-ONE: the ids are sequential.\n\nOn Mon, Ada wrote:\n> old text\n> more' }), { to: [replyTo] });
      assert.equal(viaAddress.row.outcome, 'reply');
      assert.equal(viaAddress.row.report_id, first.row.report_id);
      const viaHeader = await deliver(rawMail({ from: 'cy@example.org', subject: 'Re: something', headers: { 'In-Reply-To': ack.parsed.messageId!, References: ack.parsed.messageId! }, body: 'REPLY-TWO: also for credit notes.' }));
      assert.equal(viaHeader.row.outcome, 'reply');
      assert.equal(viaHeader.row.report_id, first.row.report_id);
      const forged = await deliver(rawMail({ to: replyTo.replace(/\.[a-z2-7]{16}@/, '.aaaaaaaaaaaaaaaa@'), subject: 'Re: guess', body: 'A guessed reply address is a new report.' }), { to: [replyTo.replace(/\.[a-z2-7]{16}@/, '.aaaaaaaaaaaaaaaa@')] });
      assert.equal(forged.row.outcome, 'new-report');

      const timeline = await loadTimeline(t.db, m.ctx.vault, first.row.report_id!, 'reporter', []);
      const bodies = timeline.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.body : ''));
      assert.deepEqual(bodies, ['REPLY-ONE: the ids are sequential.', 'REPLY-TWO: also for credit notes.']);
      const report = (await findReportByReference(t.db, m.ctx.vault, first.reference!))!;
      assert.equal(report.state, 'new', 'the reply resumed the report');
    });

    it('caps acknowledgements per address, so a forged From cannot aim us at someone', async () => {
      const victim = 'victim@example.net';
      for (let i = 0; i < 7; i++) await deliver(rawMail({ from: victim, subject: `Spam wave number ${i}`, body: 'Forged sender, the body is long enough.' }), { from: victim });
      // Addresses are stored as keyed hashes (and sealed): find the victim's rows by the hash.
      const rows = await t.db.selectFrom('mail_deliveries').select(['result', 'smtp_response', 'to_address']).where('to_address_hash', '=', senderHasher(m.ctx.secret).email(victim)).orderBy('id').execute();
      assert.ok(rows.every((r) => r.to_address === null));
      assert.deepEqual(rows.map((r) => r.result), ['sent', 'sent', 'sent', 'sent', 'sent', 'skipped', 'skipped']);
      assert.match(rows[5]!.smtp_response ?? '', /acknowledgements to this address/);
      assert.equal(sink.mails.filter((x) => x.to.includes(victim)).length, 5);
    });
  });
}

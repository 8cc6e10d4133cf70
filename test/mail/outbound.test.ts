import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { SMTPServer } from 'smtp-server';
import { ValidationError } from '../../src/errors.ts';
import { deliveryHistory } from '../../src/mail/deliveries.ts';
import { setReporterPublicKey } from '../../src/mail/reporter-keys.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { changeState, postStaffMessage } from '../../src/reports/report-actions.ts';
import { acknowledgeWithEvaluation } from '../../src/triage/acknowledge-with-evaluation.ts';
import { changeExpectedResolutionDate } from '../../src/triage/change-expected-resolution-date.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeReport, makeStaff, moveReport, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { Gpg } from '../keys/gpg-helper.ts';
import { mailContext, reporterKeyPair, type MailTestContext } from './mail-helpers.ts';
import { hearNothingOfNewWork } from '../team-notices/quiet-team.ts';

const gpg = new Gpg();
// The researcher's own key, made by GnuPG: what they would paste into the form.
await gpg.ok(['--passphrase', '', '--quick-gen-key', 'Grace Researcher <grace@example.org>', 'future-default', 'default', 'never']);
const graceArmored = (await gpg.ok(['--armor', '--export', 'grace@example.org'])).stdout.toString();

/** gpg decrypts the PGP/MIME part and checks the signature; returns the plaintext MIME entity and gpg's status lines. */
async function gpgOpen(raw: string): Promise<{ inner: string; status: string }> {
  const ciphertext = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(raw)![0];
  const r = await gpg.ok(['--status-fd', '2', '--decrypt'], ciphertext);
  return { inner: r.stdout.toString(), status: r.stderr };
}

for (const kind of await databaseKinds()) {
  describe(`outbound mail to reporters (${kind})`, () => {
    let t: TestDatabase;
    let m: MailTestContext;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let staff: { id: string };
    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      m = await mailContext(t.db, { EMBARGO_SMTP_URL: sink.url });
      staff = await makeStaff(t.db, 'triager');
      await hearNothingOfNewWork(t.db, staff.id); // this file is about mail to reporters
      await gpg.ok(['--import'], m.programKey.armor());
    });
    after(async () => {
      m?.close();
      await sink?.close();
      await t?.close();
    });

    it('without a key: a notice and no details, threaded, with the reply address', async () => {
      const s = await makeReport(t.db, { reporterEmail: 'ann@example.org', description: 'DETAIL-ANN: race in the token refresh, long enough.' });
      await postStaffMessage(t.db, m.ctx.vault, { reportId: s.id, actorId: staff.id, visibility: 'reporter', body: 'STAFF-ANN: can you share the HAR?', files: [] });
      await m.worker.drain();
      const mail = sink.mails.at(-1)!;
      const parsed = await simpleParser(mail.raw);
      assert.equal(parsed.subject, `[${s.reference}] Update on your vulnerability report`);
      assert.match(parsed.text ?? '', /The security team has written to you/);
      assert.ok(!mail.raw.includes('STAFF-ANN') && !mail.raw.includes('DETAIL-ANN') && !mail.raw.includes(s.trackingToken));
      assert.match(String(parsed.replyTo?.text), new RegExp(`^security\\+${s.reference.toLowerCase()}\\.[a-z2-7]{16}@example\\.com$`));
      assert.equal(parsed.headers.get('auto-submitted'), undefined, 'a team reply is not an automatic mail');
      const history = await deliveryHistory(t.db, m.ctx.secret, s.id);
      assert.deepEqual(history.map((h) => [h.template, h.result, h.encrypted]), [['reporter-update', 'sent', false]]);
      assert.equal(`<${history[0]!.message_id}>`, parsed.messageId);
    });

    it('with the reporter key: PGP/MIME that gpg decrypts, signed with the program key, quoting the team', async () => {
      const s = await makeReport(t.db, { reporterEmail: 'grace@example.org' });
      const { fingerprint } = await setReporterPublicKey(t.db, testVault, s.id, graceArmored);
      assert.match(fingerprint, /^[0-9a-f]{40}$/);
      await postStaffMessage(t.db, m.ctx.vault, { reportId: s.id, actorId: staff.id, visibility: 'reporter', body: 'STAFF-GRACE: confirmed on 4.2.1.\nFix due in May.', files: [] });
      await postStaffMessage(t.db, m.ctx.vault, { reportId: s.id, actorId: staff.id, visibility: 'internal', body: 'INTERNAL-NOTE never mailed', files: [] });
      await changeState(t.db, testVault, { reportId: s.id, to: 'needs-info', actorId: staff.id, reason: 'REASON-GRACE: reproduced' });
      await m.worker.drain();
      const mails = sink.mails.filter((x) => x.to.includes('grace@example.org'));
      assert.equal(mails.length, 2, 'the internal note sent nothing');
      for (const mail of mails) {
        assert.match(mail.raw, /Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/);
        assert.ok(!mail.raw.includes('STAFF-GRACE') && !mail.raw.includes('REASON-GRACE'));
      }
      const reply = await gpgOpen(mails[0]!.raw);
      assert.match(reply.status, new RegExp(`VALIDSIG ${m.programKey.getFingerprint().toUpperCase()}`));
      assert.match(reply.status, /GOODSIG/);
      const text = (await simpleParser(reply.inner)).text ?? '';
      assert.match(text, /> STAFF-GRACE: confirmed on 4\.2\.1\.\n> Fix due in May\./);
      const state = (await simpleParser((await gpgOpen(mails[1]!.raw)).inner)).text ?? '';
      assert.match(state, /Its status is now: Waiting for reporter\./);
      assert.match(state, /> REASON-GRACE: reproduced/);
      const parsed = await simpleParser(mails[1]!.raw);
      assert.deepEqual([parsed.references].flat(), [`<${(await deliveryHistory(t.db, m.ctx.secret, s.id))[0]!.message_id}>`], 'the second mail references the first');
    });

    it('tells a reporter with a key the evaluation and the dates the team promised', async () => {
      const s = await makeReport(t.db, { reporterEmail: 'grace@example.org' });
      await setReporterPublicKey(t.db, testVault, s.id, graceArmored);
      const due = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
      const later = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
      await acknowledgeWithEvaluation(t.db, m.ctx.vault, { reportId: s.id, actorId: staff.id, evaluation: 'EVAL-GRACE: valid, high severity.', expectedResolutionDate: due });
      await changeExpectedResolutionDate(t.db, testVault, { reportId: s.id, actorId: staff.id, date: later, reason: 'DATE-REASON: vendor library' });
      const before = sink.mails.length;
      await m.worker.drain();
      const mails = sink.mails.slice(before);
      assert.equal(mails.length, 2);
      const [ack, moved] = await Promise.all(mails.map(async (x) => (await simpleParser((await gpgOpen(x.raw)).inner)).text ?? ''));
      assert.match(ack!, /Its status is now: Acknowledged\.[\s\S]*> EVAL-GRACE: valid, high severity\.[\s\S]*Expected resolution date: /);
      assert.match(moved!, new RegExp(`The expected resolution date is now ${later} \\(it was ${due}\\)`));
      assert.match(moved!, /> DATE-REASON: vendor library/);
    });

    it('retries a temporary refusal with backoff, recording every attempt under one Message-ID', async () => {
      const s = await makeReport(t.db, { reporterEmail: 'retry@example.org' });
      sink.failNext(1);
      await moveReport(t.db, testVault, { reportId: s.id, to: 'acknowledged', actorId: staff.id });
      await m.worker.drain();
      const job = await t.db.selectFrom('jobs').selectAll().where('kind', '=', 'notify-reporter').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(job.state, 'pending');
      await t.db.updateTable('jobs').set({ run_at: new Date(0) }).where('id', '=', job.id).execute();
      await m.worker.drain();
      const history = await deliveryHistory(t.db, m.ctx.secret, s.id);
      assert.deepEqual(history.map((h) => [h.attempt, h.result]), [[1, 'failed'], [2, 'sent']]);
      assert.match(history[0]!.smtp_response ?? '', /451/);
      assert.equal(history[0]!.message_id, history[1]!.message_id);
      assert.equal(history[0]!.job_id, job.id);
    });

    it('records a permanent refusal (5xx) once and does not retry it', async () => {
      const strict = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 })),
      });
      await new Promise<void>((r) => strict.listen(0, '127.0.0.1', r));
      const port = (strict.server.address() as { port: number }).port;
      let m2: MailTestContext | undefined;
      try {
        m2 = await mailContext(t.db, { EMBARGO_SMTP_URL: `smtp://127.0.0.1:${port}` }, m.ctx.secret);
        await m.worker.drain();
        const s = await makeReport(t.db, { reporterEmail: 'gone@example.org' });
        await moveReport(t.db, testVault, { reportId: s.id, to: 'acknowledged', actorId: staff.id });
        await m2.worker.drain();
        const history = await deliveryHistory(t.db, m.ctx.secret, s.id);
        assert.deepEqual(history.map((h) => h.result), ['rejected']);
        assert.match(history[0]!.smtp_response ?? '', /550/);
        const job = await t.db.selectFrom('jobs').select(['state', 'attempts']).where('kind', '=', 'notify-reporter').orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual(job, { state: 'done', attempts: 1 });
      } finally {
        m2?.close();
        await new Promise<void>((r) => strict.close(() => r()));
      }
    });

    it('quotes team replies in clear only when the program allows details in unencrypted mail', async () => {
      await syncPrograms(t.db, [{ ...demoProgram, mail: { unencryptedDetails: 'full' } }]);
      try {
        const s = await makeReport(t.db, { reporterEmail: 'full@example.org' });
        await postStaffMessage(t.db, m.ctx.vault, { reportId: s.id, actorId: staff.id, visibility: 'reporter', body: 'STAFF-FULL: thanks!', files: [] });
        await m.worker.drain();
        const parsed = await simpleParser(sink.mails.at(-1)!.raw);
        assert.match(parsed.text ?? '', /> STAFF-FULL: thanks!/);
      } finally {
        await syncPrograms(t.db, [demoProgram]);
      }
    });

    it('validates the key a reporter gives, with sentences they can act on', async () => {
      const s = await makeReport(t.db);
      const reject = async (armored: string, pattern: RegExp) =>
        assert.rejects(setReporterPublicKey(t.db, testVault, s.id, armored), (e: unknown) => e instanceof ValidationError && pattern.test(e.fields.publicKey ?? ''));
      const pair = await reporterKeyPair('x@example.org');
      await reject(pair.privateKey.armor(), /private \(secret\) key/);
      await reject('hello', /not an ASCII-armored OpenPGP public key/);
      const other = await reporterKeyPair('y@example.org');
      await reject(`${pair.armored}\n${other.armored}`, /exactly one public key/);
      const { privateKey: noEnc } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ email: 'z@example.org' }], subkeys: [], format: 'object' });
      await reject(noEnc.toPublic().armor(), /no valid encryption subkey/);
      const revoked = await openpgp.revokeKey({ key: pair.privateKey, format: 'object' });
      await reject(revoked.privateKey.toPublic().armor(), /cannot be used/);
      const ok = await setReporterPublicKey(t.db, testVault, s.id, `  \n${pair.armored}\n\n`);
      assert.equal(ok.fingerprint, pair.publicKey.getFingerprint());
    });
  });
}

after(() => gpg.close());

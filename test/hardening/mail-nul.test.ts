import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { findReportByReference, listAttachments } from '../../src/reports/read-report.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo } from '../helpers/factories.ts';
import { mailContext, type MailTestContext } from '../mail/mail-helpers.ts';

const NUL = '\u0000';

/** A mail written with NUL everywhere a header or a text can carry one. */
function mailWithNuls(): Buffer {
  const b = 'nul-boundary';
  const lines = [
    `From: Ada${NUL} Researcher <ada@example.org>`,
    'To: security@example.com',
    `Subject: Stored XSS${NUL} in the admin user list`,
    `Message-ID: <nul${NUL}id@example.org>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `The display name${NUL} is rendered without escaping in /admin/users.`,
    `--${b}`,
    `Content-Type: text/plain${NUL}; name="poc${NUL}.txt"`,
    `Content-Disposition: attachment; filename="poc${NUL}.txt"`,
    '',
    `alert(1)${NUL}`,
    `--${b}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

for (const kind of await databaseKinds()) {
  describe(`mail intake with NUL characters (${kind})`, () => {
    let t: TestDatabase;
    let m: MailTestContext;
    before(async () => {
      t = await freshDatabase(kind);
      m = await mailContext(t.db);
    });
    after(async () => {
      m?.close();
      await t?.close();
    });

    it('stores the report, with NUL stripped from the subject, the text, the sender name and the attachment', async () => {
      const programId = (await demo(t.db)).id;
      const stored = await storeInboundMail(t.db, m.ctx.secret, { programId, raw: mailWithNuls(), source: 'smtp', envelopeFrom: `ada${NUL}@example.org`, envelopeTo: [`security${NUL}@example.com`] });
      await m.worker.drain();
      const jobs = await t.db.selectFrom('jobs').select(['kind', 'state', 'last_error']).where('state', '!=', 'done').execute();
      assert.deepEqual(jobs, [], 'every job finished');
      const row = await t.db.selectFrom('inbound_mails').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow();
      assert.equal(row.outcome, 'new-report', row.detail ?? '');
      const reference = (await t.db.selectFrom('reports').select('reference').where('id', '=', row.report_id!).executeTakeFirstOrThrow()).reference;
      const report = (await findReportByReference(t.db, m.ctx.vault, reference))!;
      assert.equal(report.title, 'Stored XSS in the admin user list');
      assert.match(report.description, /The display name is rendered/);
      assert.ok(!JSON.stringify(report).includes(NUL));
      const files = await listAttachments(t.db, m.ctx.vault, report.id);
      assert.deepEqual(files.map((f) => f.filename), ['poc.txt']);
      const types = await t.db.selectFrom('report_attachments').select('content_type').where('report_id', '=', report.id).execute();
      assert.ok(types.every((r) => !r.content_type.includes(NUL)));
      assert.ok(!row.envelope_to.some((a) => a.includes(NUL)) && !(row.message_id ?? '').includes(NUL));
    });
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryHistory, recordDelivery } from '../../src/mail/deliveries.ts';
import { sealLegacyMailAddresses } from '../../src/mail/seal-legacy-addresses.ts';
import { openEnvelopeFrom, storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeReport, testSecret } from '../helpers/factories.ts';

for (const kind of await databaseKinds()) {
  describe(`reporters' addresses in the mail tables (${kind})`, () => {
    it('stores new deliveries and envelope senders sealed, and seals rows an earlier version kept in clear', async () => {
      const t = await freshDatabase(kind);
      try {
        const program = await demo(t.db);
        const report = await makeReport(t.db, { reporterEmail: 'fresh-reporter@example.org' });
        const job = async () => (await t.db.insertInto('jobs').values({ kind: 'notify-reporter', payload: '{}', state: 'done' }).returning('id').executeTakeFirstOrThrow()).id;
        await recordDelivery(t.db, testSecret, {
          jobId: await job(), reportId: report.id, template: 'reporter-update', to: 'fresh-reporter@example.org',
          messageId: 'm1@example.com', attempt: 1, result: 'sent', encrypted: false, smtpResponse: '250 ok',
        });
        const stored = await storeInboundMail(t.db, testSecret, {
          programId: program.id, raw: Buffer.from('From: x\r\nSubject: s\r\n\r\nbody'), source: 'smtp', envelopeFrom: 'envelope-sender@example.org', envelopeTo: ['security@example.com'],
        });

        // Rows as an earlier version wrote them: the address in clear.
        const legacyJob = await job();
        await t.db.insertInto('mail_deliveries').values({
          job_id: legacyJob, report_id: report.id, template: 'acknowledgement', to_address: 'legacy-reporter@example.org',
          message_id: 'm0@example.com', attempt: 2, result: 'rejected', encrypted: false, smtp_response: '550 5.1.1 <Legacy-Reporter@example.org>: unknown',
        }).execute();
        const legacyMail = await storeInboundMail(t.db, testSecret, {
          programId: program.id, raw: Buffer.from('From: y\r\nSubject: t\r\n\r\nother body'), source: 'smtp', envelopeFrom: 'ignored@example.org', envelopeTo: ['security@example.com'],
        });
        await t.db.updateTable('inbound_mails').set({ envelope_from: 'legacy-sender@example.org', envelope_from_sealed: null }).where('id', '=', legacyMail.id).execute();

        const markers = { fresh: 'fresh-reporter@', envelope: 'envelope-sender@', legacy: 'legacy-reporter@', legacySender: 'legacy-sender@' };
        const before = leakedMarkers(await dumpDatabase(t.db), markers);
        assert.deepEqual(before.sort(), ['legacy', 'legacySender'], 'only the rows an earlier version wrote show an address in clear');

        assert.equal(await sealLegacyMailAddresses(t.db, testSecret), 2);
        assert.equal(await sealLegacyMailAddresses(t.db, testSecret), 0, 'nothing left to seal');
        assert.deepEqual(leakedMarkers(await dumpDatabase(t.db), markers), [], 'sealed, and blanked in the relay\'s answer too');

        const history = await deliveryHistory(t.db, testSecret, report.id);
        assert.deepEqual(history.map((h) => h.to_address).sort(), ['fresh-reporter@example.org', 'legacy-reporter@example.org']);
        const rows = await t.db.selectFrom('inbound_mails').select(['id', 'envelope_from', 'envelope_from_sealed']).where('id', 'in', [stored.id, legacyMail.id]).execute();
        const opened = new Map(rows.map((r) => [r.id, openEnvelopeFrom(testSecret, r)]));
        assert.equal(opened.get(stored.id), 'envelope-sender@example.org');
        assert.equal(opened.get(legacyMail.id), 'legacy-sender@example.org');
      } finally {
        await t.close();
      }
    });
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testSecret, makeReport, makeStaff, demo, testVault } from '../helpers/factories.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { closeAsSpam } from '../../src/triage/close-report.ts';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { assessSubmission, recordAssessment, REPORTS_PER_ADDRESS_PER_HOUR } from '../../src/triage/spam-signals.ts';

const text = {
  title: 'Account takeover through the password reset link',
  description: 'The password reset token is not bound to the account it was issued for, so a token issued to me resets any other account.',
  stepsToReproduce: '1. Request a reset for my account\n2. Change uid=2 to uid=1 in the link\n3. Set a new password',
  impact: 'Anyone can take over any account, including administrators.',
};

for (const kind of await databaseKinds()) {
  describe(`spam signals on the database (${kind})`, () => {
    const hasher = senderHasher(testSecret);

    it('rate-limits per e-mail address by quarantining, and blocks by hash per program', async () => {
      const t = await freshDatabase(kind);
      try {
        const program = await demo(t.db);
        const args = { programId: program.id, input: { ...text, reporterEmail: 'busy@example.org' }, ip: '198.51.100.4' };
        for (let i = 0; i < REPORTS_PER_ADDRESS_PER_HOUR; i++) assert.equal((await assessSubmission(t.db, hasher, args)).quarantined, false);
        const over = await assessSubmission(t.db, hasher, args);
        assert.deepEqual(over.reasons, ['address-rate']);
        const keys = (await t.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
        assert.ok(keys.every((k) => !k.includes('busy')), 'the rate-limit key holds a hash, not the address');
        assert.equal((await assessSubmission(t.db, hasher, { ...args, input: { ...args.input, reporterEmail: 'calm@example.org' } })).quarantined, false);

        // The IP of the report is blocked with its address when an admin chooses it.
        const staff = await makeStaff(t.db, 'admin');
        const r = await makeReport(t.db, { reporterEmail: 'Blocked@Example.org' });
        await t.db.transaction().execute((trx) => recordAssessment(trx, r.id, { quarantined: false, reasons: [], aiAssistance: 'no', ipHash: hasher.ip('203.0.113.9') }));
        await closeAsSpam(t.db, testVault, hasher, { reportId: r.id, actorId: staff.id, block: { email: true, ipDays: 7 } });
        const rows = await t.db.selectFrom('blocked_senders').select(['kind', 'report_id', 'blocked_by']).orderBy('kind').execute();
        assert.deepEqual(rows, [
          { kind: 'email', report_id: r.id, blocked_by: staff.id },
          { kind: 'ip', report_id: r.id, blocked_by: staff.id },
        ]);
        const fromIp = await assessSubmission(t.db, hasher, { programId: program.id, input: { ...text, reporterEmail: 'new@example.org' }, ip: '::ffff:203.0.113.9' });
        assert.deepEqual(fromIp.reasons, ['blocked-ip']);
        const fromMail = await assessSubmission(t.db, hasher, { programId: program.id, input: { ...text, reporterEmail: 'blocked@example.ORG' } });
        assert.deepEqual(fromMail.reasons, ['blocked-email']);
      } finally {
        await t.close();
      }
    });

    it('records a quarantine with its staff-only event, and the schema refuses a reasonless one', async () => {
      const t = await freshDatabase(kind);
      try {
        const r = await makeReport(t.db);
        await t.db.transaction().execute((trx) => recordAssessment(trx, r.id, { quarantined: true, reasons: ['low-effort', 'no-steps'], aiAssistance: null, ipHash: null }));
        const row = await t.db.selectFrom('reports').select(['quarantined', 'quarantine_reasons']).where('id', '=', r.id).executeTakeFirstOrThrow();
        assert.deepEqual(row, { quarantined: true, quarantine_reasons: ['low-effort', 'no-steps'] });
        const event = await t.db.selectFrom('report_events').select(['type', 'reporter_visible', 'data']).where('report_id', '=', r.id).where('type', '=', 'quarantined').executeTakeFirstOrThrow();
        assert.equal(event.reporter_visible, false);
        assert.deepEqual(event.data, { reasons: ['low-effort', 'no-steps'] });
        await assert.rejects(t.db.updateTable('reports').set({ quarantine_reasons: [] }).where('id', '=', r.id).execute(), /reports_quarantine_has_reason/);
        await assert.rejects(t.db.updateTable('reports').set({ ai_assistance: 'maybe' as never }).where('id', '=', r.id).execute(), /ai_assistance_check/);
      } finally {
        await t.close();
      }
    });
  });
}

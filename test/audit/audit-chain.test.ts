import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { recordAudit } from '../../src/audit/append-audit.ts';
import { AuditKeys } from '../../src/audit/audit-keys.ts';
import { pruneAuditLog } from '../../src/audit/prune-audit.ts';
import { verifyAuditChain } from '../../src/audit/verify-audit.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeReport, makeStaff, moveReport, testSecret, testVault } from '../helpers/factories.ts';
import { runHousekeeping } from '../../src/jobs/housekeeping.ts';
import { changeOwnDisplayName } from '../../src/staff/accounts/own-account.ts';

const keys = new AuditKeys(testSecret);

for (const kind of await databaseKinds()) {
  describe(`audit log chain on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t.close();
    });

    it('records staff changes of a report with ids and states only, and the chain verifies', async () => {
      const staff = await makeStaff(t.db, 'triager');
      const s = await makeReport(t.db);
      await moveReport(t.db, testVault, { reportId: s.id, to: 'acknowledged', actorId: staff.id });
      await changeState(t.db, testVault, { reportId: s.id, to: 'triaged', actorId: staff.id, reason: 'Confirmed on 4.2.1 by secret words' });
      const rows = await t.db.selectFrom('audit_log').selectAll().where('report_id', '=', s.id).orderBy('audit_log.seq').execute();
      assert.deepEqual(rows.map((r) => r.action), ['report.evaluation-sent', 'report.state-changed', 'report.state-changed']);
      assert.deepEqual(JSON.parse(rows[2]!.details), { from: 'acknowledged', to: 'triaged' });
      assert.equal(rows[2]!.actor_id, staff.id);
      const all = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
      assert.doesNotMatch(all, /secret words|Stored XSS|@example/i, 'no report text or address in the log');
      const v = await verifyAuditChain(t.db, keys);
      assert.equal(v.ok, true, JSON.stringify(v.broken));
      assert.ok(v.entries >= 3);
    });

    it('never forks under concurrent appends', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(t.db, { actor: { kind: 'system' }, action: 'test.concurrent', details: { i } })));
      const v = await verifyAuditChain(t.db, keys);
      assert.equal(v.ok, true, JSON.stringify(v.broken));
      const seqs = (await t.db.selectFrom('audit_log').select(sql<string>`seq::text`.as('seq')).orderBy('audit_log.seq').execute()).map((r) => Number(r.seq));
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'numbered 1… without gaps');
    });

    it('a key other than the instance secret’s does not verify: the database alone cannot forge the chain', async () => {
      const other = new AuditKeys(new InstanceSecret(Buffer.alloc(32, 7), 'other'));
      const v = await verifyAuditChain(t.db, other);
      assert.equal(v.ok, false);
      assert.equal(v.broken?.seq, '1');
    });

    it('pruning old entries leaves a checkpoint and a chain that still verifies; deleting more is noticed', async () => {
      const before = await t.db.selectFrom('audit_log').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
      const later = new Date(Date.now() + 3 * 86_400_000);
      await recordAudit(t.db, { actor: { kind: 'system' }, action: 'test.after' }, { now: new Date(Date.now() + 2 * 86_400_000) });
      const pruned = await pruneAuditLog(t.db, { retentionDays: 1, now: later, keys });
      assert.equal(pruned.deleted, Number(before.n));
      const rows = await t.db.selectFrom('audit_log').select(['action', sql<string>`seq::text`.as('seq')]).orderBy('audit_log.seq').execute();
      assert.deepEqual(rows.map((r) => r.action), ['test.after', 'audit.pruned']);
      const v = await verifyAuditChain(t.db, keys);
      assert.equal(v.ok, true, JSON.stringify(v.broken));
      assert.equal(v.entries, 2);
      await t.db.deleteFrom('audit_log').where('action', '=', 'test.after').execute();
      const broken = await verifyAuditChain(t.db, keys);
      assert.equal(broken.ok, false);
      assert.equal(broken.broken?.seq, rows[1]!.seq);
      assert.match(broken.broken!.reason, /missing/);
    });

    it('housekeeping prunes entries past EMBARGO_AUDIT_RETENTION_DAYS and the chain still verifies', async () => {
      const h = await freshDatabase(kind);
      try {
        const old = new Date(Date.now() - 800 * 86_400_000);
        for (let i = 0; i < 3; i++) await recordAudit(h.db, { actor: { kind: 'system' }, action: 'test.old' }, { now: old });
        await recordAudit(h.db, { actor: { kind: 'system' }, action: 'test.recent' });
        const result = await runHousekeeping(h.db, { finishedJobsDays: 30, auditRetentionDays: 730, onError: (err) => assert.fail(String(err)) });
        assert.equal(result.auditEntries, 3);
        const left = await h.db.selectFrom('audit_log').select(['action', 'details']).orderBy('audit_log.seq').execute();
        assert.deepEqual(left.map((r) => r.action), ['test.recent', 'audit.pruned']);
        assert.equal(JSON.parse(left[1]!.details).throughSeq, '3');
        const v = await verifyAuditChain(h.db, keys);
        assert.equal(v.ok, true, JSON.stringify(v.broken));
        assert.equal((await runHousekeeping(h.db, { finishedJobsDays: 30, auditRetentionDays: 730, onError: (err) => assert.fail(String(err)) })).auditEntries, 0, 'nothing more to prune');
      } finally {
        await h.close();
      }
    });
  });
}

for (const kind of await databaseKinds()) {
  describe(`audit log and staff accounts on ${kind}`, () => {
    it('records a change of display name without the names', async () => {
      const t = await freshDatabase(kind);
      try {
        const staff = await makeStaff(t.db, 'triager', 'Old Name Qx7');
        await changeOwnDisplayName(t.db, { userId: staff.id, displayName: 'New Name Zq9' });
        const rows = await t.db.selectFrom('audit_log').select(['action', 'target', 'details']).where('action', '=', 'staff.name-changed').execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.target, staff.id);
        assert.doesNotMatch(JSON.stringify(rows), /Qx7|Zq9/);
      } finally {
        await t.close();
      }
    });
  });
}

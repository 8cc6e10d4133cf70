import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StaffActor } from '../../src/auth/policies.ts';
import type { Role } from '../../src/db/schema.ts';
import { ForbiddenError, ValidationError } from '../../src/errors.ts';
import { listBlocks, parseIpBlockDays, removeBlock } from '../../src/triage/block-list.ts';
import { closeAsSpam } from '../../src/triage/close-report.ts';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { assessSubmission, recordAssessment } from '../../src/triage/spam-signals.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testSecret, testVault } from '../helpers/factories.ts';

const text = {
  title: 'Account takeover through the password reset link',
  description: 'The password reset token is not bound to the account it was issued for, so a token issued to me resets any other account.',
  stepsToReproduce: '1. Request a reset for my account\n2. Change uid=2 to uid=1 in the link\n3. Set a new password',
  impact: 'Anyone can take over any account, including administrators.',
};
const SHARED_IP = '203.0.113.9';
const DAY = 86_400_000;

for (const kind of await databaseKinds()) {
  describe(`the block list hurts only the sender (${kind})`, () => {
    const hasher = senderHasher(testSecret);

    async function setUp() {
      const t = await freshDatabase(kind);
      const program = await demo(t.db);
      const staff = async (role: Role, name: string) => {
        const user = await makeStaff(t.db, role, name);
        const actor: StaffActor = { kind: 'staff', userId: user.id, email: user.email, displayName: name, roles: new Map([[program.id, role]]) };
        return actor;
      };
      /** A web report from the shared address, as the form stores it. */
      const spamReport = async (email: string) => {
        const r = await makeReport(t.db, { reporterEmail: email });
        await t.db.transaction().execute((trx) => recordAssessment(trx, r.id, { quarantined: false, reasons: [], aiAssistance: 'no', ipHash: hasher.ip(SHARED_IP) }));
        return r;
      };
      const assess = (email: string, ip = SHARED_IP) => assessSubmission(t.db, hasher, { programId: program.id, input: { ...text, reporterEmail: email }, ip });
      const rows = () => t.db.selectFrom('blocked_senders').select(['kind', 'expires_at', 'blocked_by']).orderBy('kind').execute();
      return { t, program, staff, spamReport, assess, rows };
    }

    it('blocks the e-mail address by default, never the IP: the next honest researcher behind the same NAT is not quarantined', async () => {
      const { t, staff, spamReport, assess, rows } = await setUp();
      try {
        const tess = await staff('triager', 'Tess Triage');
        const r = await spamReport('spammer@example.net');
        const { blocked } = await closeAsSpam(t.db, testVault, hasher, { reportId: r.id, actorId: tess.userId, block: { email: true, ipDays: null } });
        assert.deepEqual(blocked, { email: true, ip: false });
        assert.deepEqual(await rows(), [{ kind: 'email', expires_at: null, blocked_by: tess.userId }]);

        const honest = await assess('grace@example.org');
        assert.equal(honest.quarantined, false, honest.reasons.join());
        assert.deepEqual((await assess('Spammer@Example.NET', '198.51.100.7')).reasons, ['blocked-email']);
      } finally {
        await t.close();
      }
    });

    it('blocks an IP address only when an admin chooses it, and always with an expiry', async () => {
      const { t, program, staff, spamReport, assess, rows } = await setUp();
      try {
        const tess = await staff('triager', 'Tess Triage');
        const ada = await staff('admin', 'Ada Admin');
        const r = await spamReport('spammer@example.net');
        await assert.rejects(
          closeAsSpam(t.db, testVault, hasher, { reportId: r.id, actorId: tess.userId, block: { email: true, ipDays: 7 } }),
          (err) => err instanceof ForbiddenError && /admin/.test(err.message),
        );
        assert.equal((await t.db.selectFrom('reports').select('state').where('id', '=', r.id).executeTakeFirstOrThrow()).state, 'new', 'a refused block closes nothing');
        assert.deepEqual(await rows(), []);
        assert.throws(() => parseIpBlockDays('365'), ValidationError);
        assert.equal(parseIpBlockDays(''), null);

        const now = new Date();
        const { blocked } = await closeAsSpam(t.db, testVault, hasher, { reportId: r.id, actorId: ada.userId, block: { email: false, ipDays: 7 }, now });
        assert.deepEqual(blocked, { email: false, ip: true });
        const [ip] = await rows();
        assert.equal(ip?.kind, 'ip');
        assert.equal(ip?.expires_at?.getTime(), now.getTime() + 7 * DAY);
        assert.deepEqual((await assess('grace@example.org')).reasons, ['blocked-ip']);
        await assert.rejects(
          t.db.insertInto('blocked_senders').values({ program_id: program.id, kind: 'ip', value_hash: hasher.ip('192.0.2.1'), reason: 'by hand' }).execute(),
          /blocked_senders_ip_expires/,
          'the schema refuses an IP block without an expiry',
        );
      } finally {
        await t.close();
      }
    });

    it('ignores an expired IP block, and lists it as expired', async () => {
      const { t, staff, spamReport, assess } = await setUp();
      try {
        const ada = await staff('admin', 'Ada Admin');
        const r = await spamReport('spammer@example.net');
        await closeAsSpam(t.db, testVault, hasher, { reportId: r.id, actorId: ada.userId, block: { email: false, ipDays: 1 }, now: new Date(Date.now() - 2 * DAY) });
        const honest = await assess('grace@example.org');
        assert.equal(honest.quarantined, false, honest.reasons.join());
        const [entry] = await listBlocks(t.db, ada);
        assert.equal(entry?.kind, 'ip');
        assert.equal(entry?.expired, true);
      } finally {
        await t.close();
      }
    });

    it('lists entries to admins only, and an admin’s removal unblocks the sender, recorded in the report’s timeline', async () => {
      const { t, program, staff, spamReport, assess } = await setUp();
      try {
        const tess = await staff('triager', 'Tess Triage');
        const ada = await staff('admin', 'Ada Admin');
        const r = await spamReport('spammer@example.net');
        await closeAsSpam(t.db, testVault, hasher, { reportId: r.id, actorId: tess.userId, block: { email: true, ipDays: null } });

        await assert.rejects(listBlocks(t.db, tess), ForbiddenError);
        const entries = await listBlocks(t.db, ada);
        assert.equal(entries.length, 1);
        const [e] = entries;
        assert.deepEqual(
          { program: e!.programName, kind: e!.kind, by: e!.blockedBy, reason: e!.reason, report: e!.reportReference, expires: e!.expiresAt, expired: e!.expired },
          { program: program.config.name, kind: 'email', by: 'Tess Triage', reason: 'Closed as spam.', report: r.reference, expires: null, expired: false },
        );
        assert.ok(e!.createdAt instanceof Date);

        await assert.rejects(removeBlock(t.db, tess, e!.id), ForbiddenError);
        assert.deepEqual((await assess('spammer@example.net')).reasons, ['blocked-email'], 'still blocked after the refused removal');
        await removeBlock(t.db, ada, e!.id);
        assert.deepEqual(await listBlocks(t.db, ada), []);
        const next = await assess('spammer@example.net');
        assert.ok(!next.reasons.includes('blocked-email'), next.reasons.join());
        const event = await t.db.selectFrom('report_events').select(['type', 'actor_id', 'reporter_visible', 'data']).where('report_id', '=', r.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
        assert.deepEqual(event, { type: 'sender-unblocked', actor_id: ada.userId, reporter_visible: false, data: { kind: 'email' } });
      } finally {
        await t.close();
      }
    });
  });
}

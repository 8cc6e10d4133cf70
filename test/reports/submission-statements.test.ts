import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type KyselyPlugin } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { computeNextDeadline } from '../../src/sla/report-clocks.ts';
import { assessSubmission } from '../../src/triage/spam-signals.ts';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, reportInput, testSecret, testVault } from '../helpers/factories.ts';

/**
 * Counts the statements a Kysely instance runs (BEGIN and COMMIT are not statements of the builder):
 * results, one per round trip, not query nodes (a query embedded in another is a node of its own).
 */
function counting(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const kinds = new Map<unknown, string>();
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      kinds.set(args.queryId, args.node.kind);
      return args.node;
    },
    transformResult: async (args) => {
      statements.push(kinds.get(args.queryId) ?? 'statement');
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin), statements };
}

/**
 * A submission's transaction holds a pooled connection, and the last of its
 * statements the program's numbering lock; every statement is a round trip.
 * The first deadline, the spam verdict and the reference go with the rows
 * that are written anyway (issue 12), and must say what the longer way said.
 */
for (const kind of await databaseKinds()) {
  describe(`a submission's statements (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('writes the report, its event with the team notice, and its number in no more than three statements', async () => {
      const program = await demo(t.db);
      const { db, statements } = counting(t.db);
      await submitReport(db, testVault, { program, input: reportInput(program, { reporterEmail: undefined }), files: [], channel: 'web' });
      assert.ok(statements.length <= 3, `statements sent: ${statements.join(', ')}`);
      const notices = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-team').execute();
      const submitted = await t.db.selectFrom('report_events').select('id').where('type', '=', 'submitted').execute();
      assert.ok(submitted.length > 0 && submitted.every((e) => notices.some((n) => (n.payload as { eventId: string }).eventId === e.id)), 'the team notice names the submission event');
    });

    it('screens a submission (a copied advisory, blocked senders) in one statement before it, two with an e-mail address (its rate limit)', async () => {
      const program = await demo(t.db);
      const hasher = senderHasher(testSecret);
      const input = reportInput(program, { reporterEmail: undefined, description: 'A long enough description for the advisory comparison to run at all.' });
      const anonymous = counting(t.db);
      await assessSubmission(anonymous.db, hasher, { programId: program.id, input, ip: '192.0.2.7' });
      assert.equal(anonymous.statements.length, 1, `statements sent: ${anonymous.statements.join(', ')}`);
      const withAddress = counting(t.db);
      await assessSubmission(withAddress.db, hasher, { programId: program.id, input: { ...input, reporterEmail: 'ada@example.org' }, ip: '192.0.2.7' });
      assert.equal(withAddress.statements.length, 2, `statements sent: ${withAddress.statements.join(', ')}`);
    });

    it('stores the first deadline the SLA clocks give when recomputed from the timeline', async () => {
      const program = await demo(t.db);
      const created = await submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web' });
      const row = await t.db.selectFrom('reports').select(['next_deadline_at', 'created_at', 'updated_at']).where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.ok(row.next_deadline_at, 'a new report has a deadline (first response)');
      assert.equal(row.next_deadline_at.toISOString(), (await computeNextDeadline(t.db, created.id))?.toISOString());
      assert.equal(row.updated_at.toISOString(), row.created_at.toISOString());
    });

    it('stores a spam verdict with the row and records the quarantine event', async () => {
      const program = await demo(t.db);
      const ipHash = Buffer.alloc(32, 7);
      const created = await submitReport(t.db, testVault, {
        program,
        input: reportInput(program),
        files: [],
        channel: 'web',
        assessment: { quarantined: true, reasons: ['low-effort', 'no-steps'], aiAssistance: 'writing', ipHash },
      });
      const row = await t.db.selectFrom('reports').select(['quarantined', 'quarantine_reasons', 'ai_assistance', 'submitter_ip_hash']).where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row, submitter_ip_hash: row.submitter_ip_hash?.toString('hex') }, {
        quarantined: true, quarantine_reasons: ['low-effort', 'no-steps'], ai_assistance: 'writing', submitter_ip_hash: ipHash.toString('hex'),
      });
      const events = await t.db.selectFrom('report_events').select(['type', 'data', 'reporter_visible']).where('report_id', '=', created.id).orderBy('id').execute();
      assert.deepEqual(events.map((e) => e.type), ['submitted', 'quarantined']);
      assert.deepEqual(events[1]!.data, { reasons: ['low-effort', 'no-steps'] });
      assert.equal(events[1]!.reporter_visible, false);
    });

    it('numbers past 9999 with all the digits', async () => {
      const program = await demo(t.db);
      const year = new Date().getUTCFullYear();
      await sql`UPDATE report_counters SET last_number = 9999 WHERE program_id = ${program.id} AND year = ${year}`.execute(t.db);
      const created = await submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web' });
      assert.equal(created.reference, `${program.config.referencePrefix}-${year}-10000`);
      const stored = await t.db.selectFrom('reports').select('reference').where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.equal(stored.reference, created.reference);
    });
  });
}

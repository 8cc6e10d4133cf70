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
import { ACK_TOKEN_PURPOSE } from '../../src/mail/tracking-link-mail.ts';
import { unseal } from '../../src/mail/seal.ts';

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

    it('writes the report, its number, its event, the team notice and the receipt in one statement, with no transaction around it', async () => {
      const program = await demo(t.db);
      const { db, statements } = counting(t.db);
      let transactions = 0;
      // Kysely keeps private fields: the methods run on the instance itself.
      const watched = new Proxy(db, {
        get(target, key) {
          if (key === 'transaction' || key === 'connection') transactions++;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await submitReport(watched, testVault, { program, input: reportInput(program, { reporterEmail: 'ada@example.org' }), files: [], channel: 'web', receipt: { secret: testSecret } });
      assert.equal(statements.length, 1, `statements sent: ${statements.join(', ')}`);
      assert.equal(transactions, 0, 'no BEGIN and COMMIT of its own');
      const notices = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-team').execute();
      const submitted = await t.db.selectFrom('report_events').select('id').where('type', '=', 'submitted').execute();
      assert.ok(submitted.length > 0 && submitted.every((e) => notices.some((n) => (n.payload as { eventId: string }).eventId === e.id)), 'the team notice names the submission event');
    });

    it('writes the same rows in one statement as in the transaction that takes attachments and extra writes', async () => {
      const program = await demo(t.db);
      const webhook = await t.db.insertInto('webhooks').values({ program_id: program.id, url: 'https://hooks.example.org/in', events: ['report.received'], secret_sealed: Buffer.alloc(0) }).returning('id').executeTakeFirstOrThrow();
      const now = new Date('2026-06-01T10:00:00Z');
      const input = reportInput(program, { reporterEmail: 'ada@example.org', reporterName: 'Ada' });
      const common = { program, input, files: [], channel: 'web' as const, now, receipt: { secret: testSecret }, language: 'en' as const };
      const oneStatement = await submitReport(t.db, testVault, common);
      let extraRan = false;
      // Any extra write sends the submission through the transaction.
      const inTransaction = await submitReport(t.db, testVault, { ...common, withinTransaction: async () => void (extraRan = true) });
      assert.ok(extraRan);
      const number = (reference: string) => Number(reference.split('-').at(-1));
      assert.equal(number(inTransaction.reference), number(oneStatement.reference) + 1, 'numbered one after the other');

      const written = async (created: { id: string; trackingToken: string }) => {
        const { id: _id, reference: _r, data_key: _k, title_sealed: _t, content_sealed: _c, reporter_sealed: _s, tracking_token_hash: _h, ...row } = await t.db.selectFrom('reports').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
        const events = await t.db.selectFrom('report_events').select(['id', 'type', 'actor_kind', 'actor_id', 'data', 'reporter_visible', 'text_sealed']).where('report_id', '=', created.id).orderBy('id').execute();
        const jobs = await t.db.selectFrom('jobs').select(['kind', 'payload', 'state', 'max_attempts']).where(sql<boolean>`payload->>'reportId' = ${created.id} OR payload->>'eventId' = ANY (${events.map((e) => e.id)}::text[]) OR payload->>'deliveryId' IN (SELECT id::text FROM webhook_deliveries WHERE report_id = ${created.id})`).orderBy('kind').execute();
        const deliveries = await t.db.selectFrom('webhook_deliveries').select(['webhook_id', 'event', 'event_id', 'advisory_id', 'dedupe_key']).where('report_id', '=', created.id).execute();
        const receipt = jobs.find((j) => j.kind === 'mail-acknowledgement')!.payload as { reportId: string; sealedToken: string };
        assert.equal(unseal(testSecret, ACK_TOKEN_PURPOSE, created.id, Buffer.from(receipt.sealedToken, 'base64')).toString(), created.trackingToken, 'the receipt carries the tracking token, sealed to the report');
        assert.ok(deliveries.every((d) => d.event_id === events[0]!.id) && jobs.some((j) => j.kind === 'notify-team' && (j.payload as { eventId: string }).eventId === events[0]!.id));
        return {
          row,
          events: events.map(({ id: _e, ...e }) => e),
          jobs: jobs.map((j) => ({ ...j, payload: Object.keys(j.payload as object).sort() })),
          deliveries: deliveries.map((d) => ({ ...d, event_id: typeof d.event_id })),
        };
      };
      const a = await written(oneStatement);
      const b = await written(inTransaction);
      assert.deepEqual(a, b);
      assert.deepEqual(a.jobs.map((j) => j.kind), ['mail-acknowledgement', 'notify-team', 'webhook-delivery']);
      assert.deepEqual(a.deliveries.map((d) => d.webhook_id), [webhook.id]);
      await t.db.deleteFrom('webhooks').where('id', '=', webhook.id).execute();
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

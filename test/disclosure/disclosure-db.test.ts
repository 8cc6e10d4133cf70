import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { agreeDisclosureDate } from '../../src/disclosure/agree-disclosure-date.ts';
import { sweepDisclosureDates } from '../../src/disclosure/disclosure-sweep.ts';
import { proposeDisclosureDate } from '../../src/disclosure/propose-disclosure-date.ts';
import { InvalidTransitionError, ValidationError } from '../../src/errors.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { slaJobHandlers } from '../../src/sla-reminders/sla-mail.ts';
import { runSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { watchReport } from '../../src/triage/watch-report.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeStaff, reportInput, testSecret, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const kinds = await databaseKinds();
// Monday 1 March 2027, 11:00 in Amsterdam.
const START = new Date('2027-03-01T10:00:00Z');
// Thursday 1 April 2027, 09:00 CEST (summer time began on 28 March).
const AGREED = { date: '2027-04-01', time: '09:00', timeZone: 'Europe/Amsterdam' };
const AGREED_AT = '2027-04-01T07:00:00.000Z';
// Far from the reminder test's date, so the two tests' reports do not mix in the sweep's counts.
const JUNE = { ...AGREED, date: '2027-06-01' };
const JUNE_AT = '2027-06-01T07:00:00.000Z';

for (const kind of kinds) {
  describe(`the disclosure date on ${kind}`, () => {
    let t: TestDatabase;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let ctx: AppContext;
    let clock = START;
    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      ctx = {
        config: loadConfig({}),
        db: t.db,
        logger: pino({ level: 'silent' }),
        mailer: createMailer(sink.url, 'embargo@example.com'),
        defaultProgramSlug: 'example',
        secret: testSecret,
        vault: testVault,
      };
    });
    after(async () => {
      ctx.mailer?.close();
      await sink.close();
      await t.close();
    });

    const newReport = async () => {
      const program = await demo(t.db);
      return submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web', now: START });
    };
    const row = (id: string) => t.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const events = (id: string) => t.db.selectFrom('report_events').select(['type', 'actor_kind', 'data', 'reporter_visible']).where('report_id', '=', id).where('type', 'in', ['disclosure-date-proposed', 'disclosure-date-agreed']).orderBy('id').execute();
    const mailsTo = (email: string) => sink.mails.filter((m) => m.to.includes(email)).map((m) => m.raw.replace(/=\r\n/g, ''));

    it('records every change as an event with a sealed message, and tells the other side', async () => {
      const lead = await makeStaff(t.db, 'lead', 'Lena Lead');
      const triager = await makeStaff(t.db, 'triager', 'Tom Triager');
      const watcher = await makeStaff(t.db, 'triager', 'Wanda Watcher');
      const report = await newReport();
      await assignReport(t.db, { reportId: report.id, assigneeId: triager.id, actorId: lead.id });
      await watchReport(t.db, { reportId: report.id, userId: watcher.id });
      const staff = { kind: 'staff' as const, id: triager.id };

      const secret = 'ZEBRA-backport-codename';
      assert.equal(await proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: staff, moment: JUNE, message: `Patch train ${secret}`, now: START }), 'proposed');
      assert.equal(await proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: staff, moment: JUNE, message: '', now: START }), 'unchanged');
      let stored = await row(report.id);
      assert.equal(stored.disclosure_at?.toISOString(), JUNE_AT);
      assert.deepEqual([stored.disclosure_time_zone, stored.disclosure_status, stored.disclosure_proposed_by], ['Europe/Amsterdam', 'proposed-by-team', 'team']);

      // The reporter cannot agree to a date they were not shown, nor propose without a reason.
      await assert.rejects(agreeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'reporter' }, seen: new Date('2027-06-02T07:00:00Z'), now: START }), InvalidTransitionError);
      await assert.rejects(
        proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'reporter' }, moment: { ...JUNE, date: '2027-06-15' }, message: ' ', now: START }),
        (err: unknown) => err instanceof ValidationError && /Say why/.test(err.fields.disclosureMessage ?? ''),
      );
      // The team cannot agree to its own proposal.
      await assert.rejects(agreeDisclosureDate(t.db, testVault, { reportId: report.id, actor: staff, now: START }), InvalidTransitionError);
      assert.equal(await agreeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'reporter' }, seen: new Date(JUNE_AT), now: START }), 'agreed');
      stored = await row(report.id);
      assert.equal(stored.disclosure_status, 'agreed');

      const history = await events(report.id);
      assert.deepEqual(history.map((e) => [e.type, e.actor_kind, e.data.by, e.reporter_visible]), [
        ['disclosure-date-proposed', 'staff', 'team', true],
        ['disclosure-date-agreed', 'reporter', 'reporter', true],
      ]);
      assert.equal(history[0]!.data.at, JUNE_AT);
      assert.equal(typeof history[0]!.data.messageId, 'string', 'the message went to the thread');
      // The reporter's agreement is mailed to the assignee and the watcher (not the lead: someone is assigned).
      const notices = await t.db.selectFrom('sla_reminders').select(['threshold', 'recipient_id']).where('report_id', '=', report.id).execute();
      assert.deepEqual(notices.map((n) => n.recipient_id).sort(), [triager.id, watcher.id].sort());
      assert.ok(notices.every((n) => n.threshold === 'reporter-agreed'));
      // Report contents are sealed at rest: the message is not in a dump of the database.
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.db), { message: secret }), []);
    });

    it('reminds 7 and 1 days before the agreed date, escalates once it passes without an advisory, through the SLA sweep', async () => {
      sink.mails.length = 0;
      const lead = await makeStaff(t.db, 'lead', 'Lars Lead');
      const triager = await makeStaff(t.db, 'triager', 'Tina Triager');
      const report = await newReport();
      await assignReport(t.db, { reportId: report.id, assigneeId: triager.id, actorId: lead.id });
      // The reporter proposes; the team agrees by proposing the same moment.
      const worker = createWorker({ db: t.db, handlers: { ...createJobHandlers(ctx), ...slaJobHandlers(ctx, () => clock) }, logger: ctx.logger });
      await proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'reporter' }, moment: AGREED, message: 'My talk is the next day.', now: START });
      await worker.drain();
      assert.equal(await proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'staff', id: triager.id }, moment: AGREED, message: '', now: START }), 'agreed');
      const sweep = async (iso: string) => {
        clock = new Date(iso);
        const n = await sweepDisclosureDates(t.db, clock);
        await worker.drain();
        return n;
      };
      await worker.drain();
      const proposal = mailsTo(triager.email).find((m) => /The reporter proposed a disclosure date/.test(m));
      assert.ok(proposal, 'the assignee heard of the reporter’s proposal');
      assert.match(proposal, /Thursday 1 April 2027, 09:00 \(Europe\/Amsterdam\)/);
      const reporterMail = sink.mails.find((m) => m.to.includes('ada@example.org') && /public disclosure date is agreed/.test(m.raw.replace(/=\r\n/g, '')));
      assert.ok(reporterMail, 'the reporter was told the team agreed');

      // A week before is 25 March 09:00 CET (08:00Z): 7 × 24 h + 1 h before, across the DST change.
      assert.equal(await sweep('2027-03-25T07:59:00Z'), 0);
      assert.equal(await sweep('2027-03-25T08:00:00Z'), 1);
      assert.equal(await sweep('2027-03-26T08:00:00Z'), 0, 'once per threshold and date');
      const week = mailsTo(triager.email).find((m) => /Subject: \[EMB-\d{4}-\d+\] Disclosure in 7 days/.test(m));
      assert.ok(week);
      assert.match(week, /agreed for Thursday 1 April 2027, 09:00 \(Europe\/Amsterdam\), in 7 days/);
      assert.match(week, /nothing is published automatically/);
      assert.equal(await sweep('2027-03-31T07:00:00Z'), 1);
      assert.ok(mailsTo(triager.email).some((m) => /Disclosure tomorrow/.test(m)));
      assert.equal(mailsTo(lead.email).filter((m) => /Escalation/.test(m)).length, 0, 'no escalation before the date');

      // Through the real SLA sweep: passed with nothing published, the leads and admins hear of it, once.
      clock = new Date('2027-04-01T08:00:00Z');
      await runSlaSweep(t.db, clock);
      await worker.drain();
      const escalation = mailsTo(lead.email).find((m) => /Escalation: the agreed disclosure date passed with\s+no advisory/.test(m));
      assert.ok(escalation, 'escalated to the lead');
      assert.match(escalation, /1 h ago/);
      assert.equal(await sweep('2027-04-02T08:00:00Z'), 0);
      // Staff mail names the report by reference only.
      for (const m of sink.mails.filter((x) => !x.to.includes('ada@example.org'))) assert.doesNotMatch(m.raw, /Stored XSS|My talk/);

      // A new date is a new deadline: reminded again; a published advisory silences it.
      await proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'staff', id: triager.id }, moment: { ...AGREED, date: '2027-04-20' }, message: 'Agreed by phone.', now: clock });
      await agreeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'reporter' }, now: clock });
      assert.equal(await sweep('2027-04-19T07:00:00Z'), 1);
      await t.db
        .insertInto('advisories')
        .values({ program_id: (await demo(t.db)).id, public_id: `EMB-SA-2027-${kind === 'pglite' ? 1 : 2}`, report_id: report.id, state: 'published' as 'draft', data_key: Buffer.alloc(32), content: '{}', search_text: 'x', published_at: clock })
        .execute();
      assert.equal(await sweep('2027-04-21T07:00:00Z'), 0, 'published: no escalation');
    });

    it('takes no date on a closed report, and refuses a date in the past', async () => {
      const report = await newReport();
      const lead = await makeStaff(t.db, 'lead');
      await assert.rejects(
        proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'staff', id: lead.id }, moment: { ...AGREED, date: '2027-02-01' }, message: '', now: START }),
        (err: unknown) => err instanceof ValidationError && /future/.test(err.fields.disclosureDate ?? ''),
      );
      await t.db.updateTable('reports').set({ state: 'spam' }).where('id', '=', report.id).execute();
      await assert.rejects(proposeDisclosureDate(t.db, testVault, { reportId: report.id, actor: { kind: 'staff', id: lead.id }, moment: AGREED, message: '', now: START }), InvalidTransitionError);
      assert.equal((await row(report.id)).disclosure_at, null);
    });
  });
}

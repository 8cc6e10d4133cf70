import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { runSlaSweep, scheduleSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { slaJobHandlers } from '../../src/sla-reminders/sla-mail.ts';
import { loadReportClocks } from '../../src/sla/report-clocks.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeStaff, reportInput, testSecret, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const kinds = await databaseKinds();
const HOUR = 3_600_000;
// Monday 2 November 2026, 10:00 in Amsterdam (CET): the demo program's office.
const RECEIVED = new Date('2026-11-02T09:00:00Z');

for (const kind of kinds) {
  describe(`SLA reminders, escalation and digest (${kind})`, () => {
    let t: TestDatabase;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let ctx: AppContext;
    let clock = RECEIVED;
    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      const config = loadConfig({});
      ctx = {
        config,
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

    it('reminds the assignee near breach, reminds and escalates on breach, once each, and sends the digest', async () => {
      const lead = await makeStaff(t.db, 'lead', 'Lena Lead');
      const triager = await makeStaff(t.db, 'triager', 'Tom Triager');
      const program = await demo(t.db);
      const report = await submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web', now: RECEIVED });
      await assignReport(t.db, { reportId: report.id, assigneeId: triager.id, actorId: lead.id });
      // The worker runs mail jobs now; the scripted clock decides what the sweep and the mails see.
      const worker = createWorker({ db: t.db, handlers: { ...createJobHandlers(ctx), ...slaJobHandlers(ctx, () => clock) }, logger: ctx.logger });
      const sweepAt = async (at: Date) => {
        clock = at;
        const r = await runSlaSweep(t.db, at);
        await worker.drain();
        return r;
      };
      // Quoted-printable soft line breaks undone, so sentences can be matched whole. The SLA mails only:
      // the new report's notice to the team (src/team-notices/) is not what this test is about.
      const mailsTo = (email: string) =>
        sink.mails
          .filter((m) => m.to.includes(email))
          .map((m) => ({ ...m, raw: m.raw.replace(/=\r\n/g, '') }))
          .filter((m) => !m.raw.includes('Choose what you hear about'));
      const firstResponse = async (at: Date) => (await loadReportClocks(t.db, report.id, at))!.clocks.find((c) => c.name === 'first-response')!;
      const due = (await firstResponse(RECEIVED)) as { dueAt: Date };
      assert.equal(due.dueAt.toISOString(), '2026-11-05T16:00:00.000Z', 'three business days later, at 17:00 Amsterdam');

      // Monday 12:00: nothing near breach; Tom's first digest of the day.
      assert.deepEqual(await sweepAt(new Date('2026-11-02T11:00:00Z')), { reminders: 0, digests: 1 });
      assert.match(mailsTo(triager.email)[0]!.raw, /Subject: Embargo digest for 2026-11-02: 1 report due/);

      // Thursday 12:00: 5 of 24 office hours left (near breach at a quarter): Tom is reminded, and gets Thursday's digest.
      assert.deepEqual(await sweepAt(new Date('2026-11-05T11:00:00Z')), { reminders: 1, digests: 1 });
      assert.equal((await firstResponse(clock)).state, 'running');
      const near = mailsTo(triager.email).find((m) => /nearly due/.test(m.raw));
      assert.ok(near, 'near-breach reminder to the assignee');
      assert.match(near.raw, /is due Thu 5 Nov 17:00 Europe\/Amsterdam\./);
      assert.deepEqual(await sweepAt(new Date('2026-11-05T11:30:00Z')), { reminders: 0, digests: 0 }, 'once per clock and threshold');
      assert.equal(mailsTo(lead.email).length, 0, 'no escalation before the breach');

      // Thursday 18:00: breached. The assignee is reminded and the lead gets the escalation.
      assert.deepEqual(await sweepAt(new Date('2026-11-05T17:00:00Z')), { reminders: 2, digests: 0 });
      assert.ok(mailsTo(triager.email).some((m) => /Subject: \[EMB-2026-\d+\] First response is overdue/.test(m.raw)));
      const escalation = mailsTo(lead.email).find((m) => /Escalation: First response is overdue/.test(m.raw));
      assert.ok(escalation, 'escalated to the lead');
      assert.match(escalation.raw, /as a lead or admin/);
      assert.deepEqual(await sweepAt(new Date('2026-11-05T20:00:00Z')), { reminders: 0, digests: 0 }, 'no second escalation for the same breach');

      // Friday 09:30: the digest shows it overdue.
      assert.deepEqual(await sweepAt(new Date('2026-11-06T08:30:00Z')), { reminders: 0, digests: 1 });
      const friday = mailsTo(triager.email).find((m) => /digest for 2026-11-06/.test(m.raw));
      assert.ok(friday);
      assert.match(friday.raw, /OVERDUE by/);
      // Staff mail names the report by reference only.
      for (const m of sink.mails) assert.doesNotMatch(m.raw, /Stored XSS|<script>/);
      assert.equal(mailsTo(triager.email).length, 5);
    });

    it('opts out of the digest, and the sweep schedules itself once', async () => {
      await t.db.updateTable('staff_users').set({ sla_digest: false }).execute();
      assert.equal((await runSlaSweep(t.db, new Date('2026-11-09T09:00:00Z'))).digests, 0);
      await scheduleSlaSweep(t.db);
      await scheduleSlaSweep(t.db);
      const pending = await t.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-sweep').where('state', '=', 'pending').execute();
      assert.equal(pending.length, 1);
    });
  });
}

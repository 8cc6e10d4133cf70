import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/context.ts';
import { markCraCase, recordCraSubmission } from '../../src/cra/cra-actions.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { slaJobHandlers } from '../../src/sla-reminders/sla-mail.ts';
import { runSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { demo, makeReport, makeStaff } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

describe('CRA reminders by mail, through the outbox and the worker (real SMTP)', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let mailCtx: AppContext;
  before(async () => {
    t = await startTestApp();
    sink = await startSmtpSink();
    mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'embargo@example.com') };
  });
  after(async () => {
    mailCtx.mailer?.close();
    await sink.close();
    await t.close();
  });

  it('near the 24 h deadline the assignee is reminded; once overdue the lead gets an escalation; a recorded submission silences the rest', async () => {
    const program = await demo(t.ctx.db);
    const report = await makeReport(t.ctx.db);
    const lead = await makeStaff(t.ctx.db, 'lead', 'Lena Lead');
    const assignee = await makeStaff(t.ctx.db, 'triager', 'Tom Triager');
    await assignReport(t.ctx.db, { reportId: report.id, assigneeId: assignee.id, actorId: lead.id });
    const actor = { kind: 'staff' as const, userId: lead.id, email: lead.email, displayName: 'Lena', roles: new Map([[program.id, 'lead' as const]]) };
    // Friday 4 December 2026, 18:00 in Amsterdam: the weekend counts.
    const aware = new Date('2026-12-04T17:00:00Z');
    const { caseId } = await markCraCase(t.ctx.db, { actor, reportId: report.id, kind: 'exploited-vulnerability', awareAt: aware, now: aware });

    let clock = new Date('2026-12-05T12:00:00Z'); // 19 h in: 5 h of 24 left
    const worker = createWorker({ db: t.ctx.db, handlers: { ...createJobHandlers(mailCtx), ...slaJobHandlers(mailCtx, () => clock) }, logger: t.ctx.logger });
    const mailsTo = (email: string) => sink.mails.filter((m) => m.to.includes(email)).map((m) => m.raw.replace(/=\r\n/g, ''));
    await runSlaSweep(t.ctx.db, clock);
    await worker.drain();
    const reminded = mailsTo(assignee.email).find((m) => /CRA early warning/.test(m));
    assert.ok(reminded, 'the assignee is reminded');
    assert.match(reminded, /Art\. 14\(2\)\(a\)/);
    assert.match(reminded, /Sat 5 Dec 18:00 Europe\/Amsterdam/);
    assert.match(reminded, /does not submit it for you/);
    assert.ok(!reminded.includes('Stored XSS'), 'staff mail names the report by reference only');

    clock = new Date('2026-12-05T17:30:00Z');
    await runSlaSweep(t.ctx.db, clock);
    await worker.drain();
    assert.ok(mailsTo(lead.email).some((m) => /Escalation: CRA early warning[\s\S]*is overdue/.test(m)), 'escalated to the lead');
    assert.ok(mailsTo(assignee.email).some((m) => /CRA early warning[\s\S]*is overdue/.test(m)));

    // Submitted: the 72 h step's reminders still come, the early warning's never again.
    await recordCraSubmission(t.ctx.db, { actor, caseId, step: 'early-warning', submittedAt: clock, channel: 'single-reporting-platform', reference: 'R-1', now: clock });
    const before = sink.mails.length;
    clock = new Date('2026-12-07T06:00:00Z'); // 61 h in
    await runSlaSweep(t.ctx.db, clock);
    await worker.drain();
    const fresh = sink.mails.slice(before).map((m) => m.raw.replace(/=\r\n/g, ''));
    assert.ok(fresh.length > 0 && fresh.every((m) => /CRA vulnerability notification/.test(m)), 'only the notification is due now');
  });
});

import type { AppContext } from '../context.ts';
import { formatWallTime } from '../calendar/zoned-time.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { listDueReports } from '../sla/list-due-reports.ts';
import { loadReportClocks } from '../sla/report-clocks.ts';
import { CLOCK_LABELS } from '../sla/sla-clocks.ts';
import { formatDuration } from '../sla/sla-explain.ts';
import { runSlaSweep, scheduleSlaSweep, SWEEP_INTERVAL_MS } from './sla-sweep.ts';
import { disclosureReminderMail } from '../disclosure/disclosure-mail.ts';
import { sendStaffMail, staffMailText, staffReportUrl } from '../mail/staff-mail.ts';
import { craReminderMail } from '../cra/cra-mail.ts';
import { isCraClockName } from '../cra/cra-clocks.ts';

// Staff mail names reports by reference only (src/mail/staff-mail.ts).
const digestNote = (baseUrl: string) => `Turn the daily digest off on ${baseUrl}/staff/reports/due`;

/**
 * The SLA job handlers. `now` is injectable so tests can script the clock;
 * the mails carry ids only and are written from fresh data when sent.
 */
export function slaJobHandlers(ctx: AppContext, now: () => Date = () => new Date()): { 'sla-sweep': JobHandler<'sla-sweep'>; 'sla-mail': JobHandler<'sla-mail'> } {
  return {
    // Never fails for its items: a broken report is logged and skipped, and the next sweep is always
    // queued (failing here would leave reminders stopped until a restart once the retries ran out).
    async 'sla-sweep'() {
      try {
        const result = await runSlaSweep(ctx.db, now(), {
          onError: (err, item) => ctx.logger.error({ ...item, err }, 'SLA sweep: one item failed; the others went on'),
        });
        if (result.reminders || result.digests) ctx.logger.info(result, 'SLA reminders queued');
      } catch (err) {
        ctx.logger.error({ err }, 'SLA sweep failed; the next one is queued anyway');
      }
      // Only this can fail the job (the database is gone): its retries then bring the sweeps back.
      await scheduleSlaSweep(ctx.db, new Date(Date.now() + SWEEP_INTERVAL_MS));
    },
    async 'sla-mail'(payload) {
      const mail = payload.kind === 'reminder' ? await reminderMail(ctx, payload.reminderId, now()) : await digestMail(ctx, payload.userId, payload.day, now());
      if (mail) await sendStaffMail(ctx, mail, `SLA ${payload.kind}`);
    },
  };
}

async function reminderMail(ctx: AppContext, reminderId: string, at: Date) {
  const row = await ctx.db
    .selectFrom('sla_reminders as s')
    .innerJoin('reports as r', 'r.id', 's.report_id')
    .innerJoin('staff_users as u', 'u.id', 's.recipient_id')
    .select(['s.clock', 's.threshold', 's.due_at', 'r.id as reportId', 'r.reference', 'u.email', 'u.display_name', 'u.disabled_at'])
    .where('s.id', '=', reminderId)
    .executeTakeFirst();
  if (!row || row.disabled_at) return undefined;
  if (row.clock === 'disclosure') return disclosureReminderMail(ctx, row, at);
  if (isCraClockName(row.clock)) return craReminderMail(ctx, row, at);
  const loaded = await loadReportClocks(ctx.db, row.reportId, at);
  const clock = loaded?.clocks.find((c) => c.name === row.clock);
  // Met or paused since the sweep: a reminder now would only be noise.
  if (!clock || (clock.state !== 'running' && !(clock.state === 'breached' && clock.metAt === null))) return undefined;
  const zone = loaded!.sla.calendar.timeZone;
  const label = CLOCK_LABELS[row.clock];
  const due = `${formatWallTime(row.due_at, zone, at)} ${zone}`;
  const subject =
    row.threshold === 'near-breach' ? `[${row.reference}] ${label} is nearly due`
    : row.threshold === 'breach' ? `[${row.reference}] ${label} is overdue`
    : `[${row.reference}] Escalation: ${label} is overdue`;
  const lead =
    row.threshold === 'escalation'
      ? `The ${label.toLowerCase()} promise on ${row.reference} was broken: it was due ${due}. You get this as a lead or admin of the program.`
      : row.threshold === 'breach'
        ? `The ${label.toLowerCase()} promise on ${row.reference} is overdue: it was due ${due}.`
        : `The ${label.toLowerCase()} promise on ${row.reference} is due ${due}.`;
  return {
    to: row.email,
    subject,
    text: staffMailText({
      displayName: row.display_name,
      paragraphs: [lead, clock.explanation, `Open it: ${staffReportUrl(ctx.config.baseUrl, row.reference)}`],
      baseUrl: ctx.config.baseUrl,
      footerNote: digestNote(ctx.config.baseUrl),
    }),
  };
}

async function digestMail(ctx: AppContext, userId: string, day: string, at: Date) {
  const user = await ctx.db.selectFrom('staff_users').select(['email', 'display_name', 'disabled_at', 'sla_digest']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.disabled_at || !user.sla_digest) return undefined;
  const programIds = (await ctx.db.selectFrom('memberships').select('program_id').where('user_id', '=', userId).execute()).map((m) => m.program_id);
  const rows = await listDueReports(ctx.db, ctx.vault, { programIds, assigneeId: userId, now: at, readerId: userId });
  if (rows.length === 0) return undefined;
  const lines = rows.map((r) => {
    const ms = r.dueAt.getTime() - at.getTime();
    const when = ms < 0 ? `OVERDUE by ${formatDuration(-ms)}` : `due in ${formatDuration(ms)}`;
    return `- ${r.reference}: ${r.clock?.label ?? 'next deadline'} ${when} (${r.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  });
  const overdue = rows.filter((r) => r.urgency === 'breached').length;
  return {
    to: user.email,
    subject: `Embargo digest for ${day}: ${rows.length} report${rows.length === 1 ? '' : 's'} due${overdue ? `, ${overdue} overdue` : ''}`,
    text: staffMailText({
      displayName: user.display_name,
      paragraphs: ['Your reports with SLA deadlines, nearest first:', lines.join('\n'), `All of them: ${ctx.config.baseUrl}/staff/reports/due?assignee=me`],
      baseUrl: ctx.config.baseUrl,
      footerNote: digestNote(ctx.config.baseUrl),
    }),
  };
}

import type { AppContext } from '../context.ts';
import { formatWallTime } from '../calendar/zoned-time.ts';
import { staffMailText, staffReportUrl } from '../mail/staff-mail.ts';
import { formatDuration } from '../sla/sla-explain.ts';
import { CRA_KIND_LABELS, parseCraClockName } from './cra-clocks.ts';
import { clocksOf, loadCraCases } from './load-cra-view.ts';

/**
 * The staff mail of a CRA reminder or escalation, written from fresh data when
 * sent: nothing once the step was submitted or its deadline moved. Names the
 * report by reference only, like every staff mail.
 */
export async function craReminderMail(
  ctx: AppContext,
  row: { clock: string; threshold: string; due_at: Date; reportId: string; reference: string; email: string; display_name: string },
  now: Date,
): Promise<{ to: string; subject: string; text: string } | undefined> {
  const which = parseCraClockName(row.clock);
  if (!which) return undefined;
  const report = await ctx.db.selectFrom('reports as r').innerJoin('programs as p', 'p.id', 'r.program_id').select(['p.config']).where('r.id', '=', row.reportId).executeTakeFirst();
  if (!report) return undefined;
  const zone = (report.config as { calendar?: { timeZone?: string } }).calendar?.timeZone ?? 'UTC';
  const c = (await loadCraCases(ctx.db, [row.reportId])).find((x) => x.kind === which.kind);
  const clock = c && clocksOf(c, now, zone).find((k) => k.step === which.step);
  if (!clock || (clock.state !== 'running' && clock.state !== 'overdue') || clock.dueAt.getTime() !== row.due_at.getTime()) return undefined;
  const what = `CRA ${clock.label.toLowerCase()} (${clock.article}, ${CRA_KIND_LABELS[which.kind].toLowerCase()})`;
  const due = `${formatWallTime(clock.dueAt, zone, now)} ${zone}`;
  const ref = row.reference;
  const [subject, lead] =
    row.threshold === 'escalation'
      ? [`[${ref}] Escalation: ${what} is overdue`, `The ${what} for ${ref} was due ${due} and is not recorded as submitted. You get this as a lead or admin of the program.`]
      : row.threshold === 'breach'
        ? [`[${ref}] ${what} is overdue`, `The ${what} for ${ref} was due ${due} and is not recorded as submitted.`]
        : [`[${ref}] ${what} is due ${clock.state === 'running' ? `in ${formatDuration(clock.timeLeftMs)}` : 'soon'}`, `The ${what} for ${ref} is due ${due}.`];
  return {
    to: row.email,
    subject,
    text: staffMailText({
      displayName: row.display_name,
      paragraphs: [
        lead,
        `Due ${clock.basis}. Submit it through the single reporting platform, then record the submission on the report page to stop this clock. Embargo does not submit it for you.`,
        `Open it: ${staffReportUrl(ctx.config.baseUrl, ref)}`,
      ],
      baseUrl: ctx.config.baseUrl,
    }),
  };
}

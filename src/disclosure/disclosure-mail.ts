import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { SlaRemindersTable } from '../db/schema.ts';
import { OPEN_STATES } from '../domain/lifecycle.ts';
import { staffMailText, staffReportUrl } from '../mail/staff-mail.ts';
import { describeDaysLeft, describeTimeLeft, formatDisclosureMoment, readDisclosure } from './disclosure-rules.ts';

export interface DisclosureMailRow {
  threshold: SlaRemindersTable['threshold'];
  /** The moment the mail is about. */
  due_at: Date;
  reportId: string;
  reference: string;
  email: string;
  display_name: string;
}

/**
 * The staff mail of a disclosure-date reminder, written from fresh data when
 * it is sent: nothing when the date moved, the report closed or the advisory
 * went out meanwhile. Like the SLA mails it names the report by reference only.
 */
export async function disclosureReminderMail(ctx: AppContext, row: DisclosureMailRow, now: Date): Promise<{ to: string; subject: string; text: string } | undefined> {
  const report = await ctx.db
    .selectFrom('reports as r')
    .select(['r.state', 'r.disclosure_at', 'r.disclosure_time_zone', 'r.disclosure_status', 'r.disclosure_proposed_by'])
    .select((eb) =>
      eb.exists(eb.selectFrom('advisories as a').select(sql`1`.as('one')).whereRef('a.report_id', '=', 'r.id').where('a.state', '=', 'published')).as('published'),
    )
    .where('r.id', '=', row.reportId)
    .executeTakeFirst();
  const date = report && readDisclosure(report);
  if (!report || !date || date.at.getTime() !== row.due_at.getTime() || !OPEN_STATES.includes(report.state)) return undefined;
  const reminder = row.threshold === '7-days-before' || row.threshold === '1-day-before' || row.threshold === 'escalation';
  if (reminder && (date.status !== 'agreed' || report.published)) return undefined;
  if (row.threshold === 'reporter-proposed' && date.status !== 'proposed-by-reporter') return undefined;
  if (row.threshold === 'reporter-agreed' && date.status !== 'agreed') return undefined;

  const ref = row.reference;
  const when = formatDisclosureMoment(date.at, date.timeZone);
  const [subject, lead] =
    row.threshold === 'escalation'
      ? [`[${ref}] Escalation: the agreed disclosure date passed with no advisory`, `The public disclosure of ${ref} was agreed with the reporter for ${when}, ${describeTimeLeft(date.at, now)}, and no advisory is published. Publish it, or agree a new date with the reporter. You get this as a lead or admin of the program.`]
      : row.threshold === 'reporter-proposed'
        ? [`[${ref}] The reporter proposed a disclosure date`, `The reporter of ${ref} proposed to disclose on ${when}, with a reason in the thread. Agree to it or propose another date on the report page.`]
        : row.threshold === 'reporter-agreed'
          ? [`[${ref}] The reporter agreed to the disclosure date`, `The reporter of ${ref} agreed to disclose on ${when}.`]
          : [`[${ref}] Disclosure ${describeDaysLeft(date.at, date.timeZone, now)}`, `The public disclosure of ${ref} is agreed for ${when}, ${describeDaysLeft(date.at, date.timeZone, now)}. Have the advisory ready: nothing is published automatically.`];
  return {
    to: row.email,
    subject,
    text: staffMailText({ displayName: row.display_name, paragraphs: [lead, `Open it: ${staffReportUrl(ctx.config.baseUrl, ref)}`], baseUrl: ctx.config.baseUrl }),
  };
}

import type { AppContext } from '../context.ts';
import type { Channel } from '../db/schema.ts';
import type { TeamNoticeKind } from '../db/team-notice-tables.ts';
import { formatWallTime } from '../calendar/zoned-time.ts';
import { formatDisclosureMoment } from '../disclosure/disclosure-rules.ts';
import type { OutgoingMail } from '../mail/mailer.ts';
import { staffMailText, staffReportUrl } from '../mail/staff-mail.ts';
import { programSla } from '../sla/report-clocks.ts';
import { noticeRecipients } from './team-members.ts';

const CHANNEL_WORDS: Record<Channel, string> = { web: 'through the web form', email: 'by e-mail', api: 'through the API', staff: 'recorded by the team (an incident, no reporter)' };

/** Where each person chooses what they hear about (the account page's section). */
export const preferencesNote = (baseUrl: string) => `Choose what you hear about on ${baseUrl}/staff/account#notifications`;

/**
 * One immediate notice (a 'team-mail' job), written from fresh data when sent:
 * nothing when the person was deactivated, left the program or no longer wants
 * this kind at once. Like every staff mail it names the report by reference and
 * links to its page; no title, reporter or details (src/mail/staff-mail.ts).
 */
export async function teamNoticeMail(ctx: AppContext, args: { noticeId: string; userId: string }): Promise<OutgoingMail | undefined> {
  const notice = await ctx.db
    .selectFrom('team_notices as n')
    .innerJoin('reports as r', 'r.id', 'n.report_id')
    .innerJoin('programs as p', 'p.id', 'n.program_id')
    .innerJoin('report_events as e', 'e.id', 'n.event_id')
    .leftJoin('staff_users as a', 'a.id', 'n.actor_id')
    .select(['n.kind', 'n.program_id', 'r.reference', 'r.channel', 'r.next_deadline_at', 'p.name as programName', 'p.config', 'e.type as eventType', 'e.data', 'a.display_name as actorName'])
    .where('n.id', '=', args.noticeId)
    .executeTakeFirst();
  if (!notice) return undefined;
  const [person] = await noticeRecipients(ctx.db, notice.program_id, args.userId);
  if (!person || person.preferences.deliveries[notice.kind] !== 'immediate') return undefined;
  const zone = programSla(notice.config).calendar.timeZone;
  const ref = notice.reference;
  const due = notice.next_deadline_at ? `The next deadline on it is ${formatWallTime(notice.next_deadline_at, zone, new Date())} ${zone}.` : undefined;
  const [subject, lead] = noticeWords(notice.kind, {
    ref,
    program: notice.programName,
    channel: CHANNEL_WORDS[notice.channel],
    actor: notice.actorName ?? 'A team member',
    disclosure: disclosureWords(notice.eventType, notice.data),
  });
  return {
    to: person.email,
    subject,
    text: staffMailText({
      displayName: person.displayName,
      paragraphs: [lead, ...(due ? [due] : []), `Open it: ${staffReportUrl(ctx.config.baseUrl, ref)}`],
      baseUrl: ctx.config.baseUrl,
      footerNote: preferencesNote(ctx.config.baseUrl),
    }),
  };
}

function noticeWords(kind: TeamNoticeKind, w: { ref: string; program: string; channel: string; actor: string; disclosure: string }): [string, string] {
  switch (kind) {
    case 'new-report':
      return [`[${w.ref}] New report`, `A new report, ${w.ref}, arrived ${w.channel} for ${w.program}.`];
    case 'reporter-reply':
      return [`[${w.ref}] The reporter replied`, `The reporter of ${w.ref} wrote in the thread.`];
    case 'disclosure-proposal':
      return [`[${w.ref}] The reporter ${w.disclosure}`, `The reporter of ${w.ref} ${w.disclosure}. Answer on the report page.`];
    case 'quarantine-released':
      return [`[${w.ref}] Released from quarantine`, `${w.actor} released ${w.ref} from the spam quarantine: it is new work in the inbox of ${w.program}.`];
  }
}

/** "proposed a disclosure date: Monday 1 March 2027, 10:00 (Europe/Berlin)", from the event's clear data (dates, never words). */
function disclosureWords(type: string, data: Record<string, unknown>): string {
  const verb = type === 'disclosure-date-agreed' ? 'agreed to the disclosure date' : 'proposed a disclosure date';
  const at = typeof data.at === 'string' ? new Date(data.at) : undefined;
  const zone = typeof data.timeZone === 'string' ? data.timeZone : 'UTC';
  return at && !Number.isNaN(at.getTime()) ? `${verb}: ${formatDisclosureMoment(at, zone)}` : verb;
}

import { addCalendarDays, instantAt, isLocalDate, isTimeZone, localDateOf, wallTime } from '../calendar/zoned-time.ts';
import type { DisclosureSide, DisclosureStatus } from '../db/schema.ts';

/**
 * The agreed disclosure date, as pure rules: what a proposal or an agreement
 * does to the current date, when the team is reminded, and when publishing
 * early needs an explicit decision. Modelled on CERT/CC VINCE's coordinated
 * publication date: either side proposes, the other agrees, and nothing is
 * published automatically when the date comes.
 */
export type { DisclosureSide, DisclosureStatus };

export interface DisclosureDate {
  /** The public disclosure moment. */
  at: Date;
  /** The IANA zone it was written in, and is shown in. */
  timeZone: string;
  status: DisclosureStatus;
  /** Who proposed this date (kept once it is agreed). */
  proposedBy: DisclosureSide;
}

/** When the team proposes a date and names no time: the start of a working morning. */
export const DEFAULT_DISCLOSURE_TIME = '09:00';
/** A typo guard: nobody agrees a disclosure five years out. */
const MAX_YEARS_AHEAD = 5;
export const MAX_MESSAGE = 2000;

/** The disclosure columns of a report row, as a date (null when nobody proposed one). */
export function readDisclosure(row: {
  disclosure_at: Date | null;
  disclosure_time_zone: string | null;
  disclosure_status: DisclosureStatus | null;
  disclosure_proposed_by: DisclosureSide | null;
}): DisclosureDate | null {
  if (!row.disclosure_at || !row.disclosure_time_zone || !row.disclosure_status || !row.disclosure_proposed_by) return null;
  return { at: row.disclosure_at, timeZone: row.disclosure_time_zone, status: row.disclosure_status, proposedBy: row.disclosure_proposed_by };
}

export type MomentInput = { date: string; time: string; timeZone: string };
export type ParsedMoment = { ok: true; at: Date; timeZone: string } | { ok: false; errors: Record<string, string> };

/**
 * Reads a moment typed in a form: YYYY-MM-DD, HH:MM (default 09:00) and an IANA
 * zone. It must lie in the future. A time the clocks skip (a spring-forward
 * gap) moves forward like the calendar module's instantAt.
 */
export function parseDisclosureMoment(input: MomentInput, now: Date): ParsedMoment {
  const date = input.date.trim();
  const time = input.time.trim() || DEFAULT_DISCLOSURE_TIME;
  const timeZone = input.timeZone.trim();
  const errors: Record<string, string> = {};
  if (!isLocalDate(date)) errors.disclosureDate = 'Give the date as YYYY-MM-DD, e.g. 2027-03-11.';
  const t = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!t) errors.disclosureTime = 'Give the time as HH:MM on a 24-hour clock, e.g. 09:00.';
  if (!timeZone || !isTimeZone(timeZone)) errors.disclosureTimeZone = 'Give an IANA time zone, e.g. Europe/Amsterdam or America/New_York.';
  if (Object.keys(errors).length) return { ok: false, errors };
  const at = instantAt(timeZone, date, (Number(t![1]) * 60 + Number(t![2])) * 60_000);
  if (at.getTime() <= now.getTime()) return { ok: false, errors: { disclosureDate: 'The disclosure date must be in the future.' } };
  if (at.getTime() > addCalendarDays(now, MAX_YEARS_AHEAD * 366, timeZone).getTime()) {
    return { ok: false, errors: { disclosureDate: `Choose a date within ${MAX_YEARS_AHEAD} years.` } };
  }
  return { ok: true, at, timeZone };
}

/** What a proposal or an agreement does. Refusals carry an HTTP-like status: 422 a field to correct, 409 the state forbids it. */
export type DisclosureDecision =
  | { kind: 'unchanged' }
  | { kind: 'proposed'; next: DisclosureDate; later: boolean }
  | { kind: 'agreed'; next: DisclosureDate }
  | { kind: 'refused'; status: 409 | 422; field?: string; message: string };

/**
 * One side proposes a moment. Proposing exactly what the other side proposed
 * is agreeing to it. A different moment waits for the other side, even when a
 * date was agreed before (a changed agreement is a new proposal). The reporter
 * always says why they want another date; the team says why when it moves an
 * agreed date later, because that breaks a promise.
 */
export function decideProposal(current: DisclosureDate | null, side: DisclosureSide, proposal: { at: Date; timeZone: string }, reason: string): DisclosureDecision {
  if (current && current.at.getTime() === proposal.at.getTime()) {
    if (current.status === 'agreed' || current.status === `proposed-by-${side}`) return { kind: 'unchanged' };
    return { kind: 'agreed', next: { ...current, status: 'agreed' } };
  }
  const later = current !== null && proposal.at.getTime() > current.at.getTime();
  if (!reason.trim()) {
    if (side === 'reporter') return { kind: 'refused', status: 422, field: 'disclosureMessage', message: 'Say why you propose another date; the security team reads it.' };
    if (current?.status === 'agreed' && later) {
      return { kind: 'refused', status: 422, field: 'disclosureMessage', message: 'The date was agreed with the reporter: say why it moves later; the reporter reads it.' };
    }
  }
  if (reason.trim().length > MAX_MESSAGE) return { kind: 'refused', status: 422, field: 'disclosureMessage', message: `Keep the message under ${MAX_MESSAGE} characters.` };
  return { kind: 'proposed', next: { at: proposal.at, timeZone: proposal.timeZone, status: `proposed-by-${side}`, proposedBy: side }, later };
}

/**
 * One side agrees to the date on the table. Only the side that did not
 * propose it agrees; `seen` is the moment the person was shown, so a date
 * changed meanwhile is never agreed blindly; a date already past is not agreed.
 */
export function decideAgreement(current: DisclosureDate | null, side: DisclosureSide, seen: Date | undefined, now: Date): DisclosureDecision {
  if (!current) return { kind: 'refused', status: 409, message: 'No disclosure date has been proposed yet.' };
  if (seen && seen.getTime() !== current.at.getTime()) {
    return { kind: 'refused', status: 409, message: 'The proposed disclosure date changed since the page was shown. Read the new proposal and answer again.' };
  }
  if (current.status === 'agreed') return { kind: 'unchanged' };
  if (current.status === `proposed-by-${side}`) {
    return { kind: 'refused', status: 409, message: side === 'team' ? 'The team proposed this date; the reporter agrees to it.' : 'You proposed this date; the security team agrees to it.' };
  }
  if (current.at.getTime() <= now.getTime()) return { kind: 'refused', status: 409, message: 'This date has passed. Propose a new one.' };
  return { kind: 'agreed', next: { ...current, status: 'agreed' } };
}

/** The reminder thresholds before an agreed date, in local calendar days (DST-safe), most distant first. */
export const REMINDER_DAYS = [7, 1] as const;
export type DisclosureReminder = '7-days-before' | '1-day-before' | 'escalation';
const THRESHOLD: Record<(typeof REMINDER_DAYS)[number], DisclosureReminder> = { 7: '7-days-before', 1: '1-day-before' };

/**
 * Which reminder an agreed date calls for at `now`: the nearest threshold
 * reached (7 or 1 local days before the moment, at the same wall time), or,
 * once the moment passed with no advisory published, the escalation. The
 * sweep sends each at most once per date, so a reminder skipped because the
 * date was agreed late is not sent afterwards.
 */
export function disclosureReminderDue(d: Pick<DisclosureDate, 'at' | 'timeZone' | 'status'>, now: Date, published: boolean): DisclosureReminder | undefined {
  if (d.status !== 'agreed' || published) return undefined;
  if (now.getTime() >= d.at.getTime()) return 'escalation';
  for (const days of [...REMINDER_DAYS].sort((a, b) => a - b)) {
    if (now.getTime() >= addCalendarDays(d.at, -days, d.timeZone).getTime()) return THRESHOLD[days];
  }
  return undefined;
}

/**
 * Why publishing the first revision of the report's advisory now needs the
 * explicit "publish before the agreed date" decision, or undefined when it does not.
 */
export function earlyPublicationProblem(d: DisclosureDate | null, now: Date, publishEarly: boolean): string | undefined {
  if (publishEarly) return undefined;
  if (!d || d.status !== 'agreed') {
    return 'No disclosure date is agreed with the reporter. Tick “publish before the agreed date” to publish anyway.';
  }
  if (agreedDateAhead(d, now)) {
    return `The disclosure was agreed for ${formatDisclosureMoment(d.at, d.timeZone)}. Tick “publish before the agreed date” to publish earlier.`;
  }
  return undefined;
}

/** Whether a disclosure date is agreed and still to come at `now`: until then, going public early needs an explicit decision. */
export function agreedDateAhead(d: DisclosureDate | null, now: Date): d is DisclosureDate {
  return d !== null && d.status === 'agreed' && now.getTime() < d.at.getTime();
}

/**
 * Why moving the report to "disclosed" now needs the explicit "disclose before
 * the agreed date" decision, or undefined when it does not. Disclosed is what
 * names the reporter on the thanks page (src/thanks/), so the same rule as
 * publishing holds: not before an agreed date without saying so. Once the
 * advisory is published the report is public anyway; without an agreed date
 * the move is the team's decision.
 */
export function earlyDisclosureProblem(d: DisclosureDate | null, now: Date, advisoryPublished: boolean, discloseEarly: boolean): string | undefined {
  if (discloseEarly || advisoryPublished || !agreedDateAhead(d, now)) return undefined;
  return `The disclosure was agreed with the reporter for ${formatDisclosureMoment(d.at, d.timeZone)}, and no advisory is published: “Disclosed” would name the reporter on the thanks page before that date. Choose “disclose before the agreed date” to do it anyway, or publish the advisory.`;
}

const longFormatters = new Map<string, Intl.DateTimeFormat>();

/** "Thursday 11 March 2027, 09:00 (Europe/Amsterdam)": what both sides read; never ambiguous. */
export function formatDisclosureMoment(at: Date, timeZone: string): string {
  let f = longFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    longFormatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} (${timeZone})`;
}

/** The form fields that show a moment again: local date, HH:MM and the zone. */
export function momentFields(at: Date, timeZone: string): MomentInput {
  const w = wallTime(at, timeZone);
  const minutes = Math.floor(w.msOfDay / 60_000);
  return { date: w.date, time: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`, timeZone };
}

/** "in 6 days 23 h", "in 3 h", "2 days ago": the time left, for the staff panel. */
export function describeTimeLeft(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const span = days > 0 ? `${days} day${days === 1 ? '' : 's'}${hours ? ` ${hours} h` : ''}` : hours > 0 ? `${hours} h${minutes ? ` ${minutes} min` : ''}` : `${Math.max(minutes, 1)} min`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** "today", "tomorrow", "in 7 days": local calendar days to the moment in its own zone, as the reminders say it. */
export function describeDaysLeft(at: Date, timeZone: string, now: Date): string {
  const days = Math.round((Date.parse(localDateOf(at, timeZone)) - Date.parse(localDateOf(now, timeZone))) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`;
}

/** Words for a status, from the point of view of the team or of the reporter. */
export function describeStatus(status: DisclosureStatus, audience: 'staff' | 'reporter'): string {
  if (status === 'agreed') return 'Agreed by both sides';
  if (status === 'proposed-by-team') return audience === 'staff' ? 'Proposed by the team; waiting for the reporter' : 'Proposed by the security team; waiting for your answer';
  return audience === 'staff' ? 'Proposed by the reporter; waiting for the team' : 'Proposed by you; waiting for the security team';
}

import { isLocalDate, localDateOf } from '../calendar/zoned-time.ts';

/** "2027-01-15" → "15 January 2027": dates the reporter reads are written out, never ambiguous. */
export function formatLocalDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * Checks an expected resolution date typed by staff: a real YYYY-MM-DD date,
 * not before today in the program's time zone. Returns an error sentence or undefined.
 */
export function resolutionDateProblem(date: string, timeZone: string, now: Date): string | undefined {
  if (!isLocalDate(date)) return 'Give the date as YYYY-MM-DD, e.g. 2027-01-15.';
  if (date < localDateOf(now, timeZone)) return 'The expected resolution date cannot be in the past.';
  return undefined;
}

import { calendarConfigSchema, type CalendarConfig, type CalendarConfigInput } from './calendar-config.ts';
import { holidayLookup, type HolidayLookup } from './holidays.ts';
import { addDays, instantAt, isoWeekday, localDateOf, type LocalDate } from './zoned-time.ts';

/** What kind of day a local date is for the office. */
export type DayStatus =
  | { open: true; opensAt: Date; closesAt: Date }
  | { open: false; reason: 'weekend' }
  | { open: false; reason: 'holiday'; name: string }
  | { open: false; reason: 'closure' };

/** A program's calendar, resolved once: build it with `createBusinessCalendar` and pass it to the functions below. */
export interface BusinessCalendar {
  readonly config: CalendarConfig;
  readonly timeZone: string;
  /** Length of a working day (closes − opens), the unit "business day" durations are shown in. */
  readonly businessDayMs: number;
  /** Memoised per local date; deterministic for a given config. */
  readonly dayStatus: (date: LocalDate) => DayStatus;
}

/** Guards every day-by-day walk: no deadline here lies further than this many days away. */
const MAX_DAYS = 3 * 366;

const minutes = (hhmm: string) => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * 60_000;

/** Validates a calendar config (throwing zod's error when invalid) and prepares its lookups. */
export function createBusinessCalendar(input: CalendarConfigInput): BusinessCalendar {
  const config = calendarConfigSchema.parse(input);
  const zone = config.timeZone;
  const opens = minutes(config.businessHours.opens);
  const closes = minutes(config.businessHours.closes);
  const working = new Set(config.workingDays);
  const closures = new Set(config.closures);
  const holiday: HolidayLookup = holidayLookup(config.country, config.region, config.holidayTypes);
  const memo = new Map<LocalDate, DayStatus>();
  const dayStatus = (date: LocalDate): DayStatus => {
    let s = memo.get(date);
    if (s) return s;
    const name = holiday(date);
    if (!working.has(isoWeekday(date))) s = { open: false, reason: 'weekend' };
    else if (closures.has(date)) s = { open: false, reason: 'closure' };
    else if (name !== undefined) s = { open: false, reason: 'holiday', name };
    else s = { open: true, opensAt: instantAt(zone, date, opens), closesAt: instantAt(zone, date, closes) };
    memo.set(date, s);
    return s;
  };
  return { config, timeZone: zone, businessDayMs: closes - opens, dayStatus };
}

/** Whether the office works on a local date (or on the local date of an instant). */
export function isBusinessDay(cal: BusinessCalendar, day: LocalDate | Date): boolean {
  return cal.dayStatus(typeof day === 'string' ? day : localDateOf(day, cal.timeZone)).open;
}

/** The first business day strictly after a local date. */
export function nextBusinessDay(cal: BusinessCalendar, date: LocalDate): LocalDate {
  let d = date;
  for (let i = 0; i < MAX_DAYS; i++) {
    d = addDays(d, 1);
    if (cal.dayStatus(d).open) return d;
  }
  throw new Error(`No business day within ${MAX_DAYS} days after ${date}; check the calendar's working days and closures.`);
}

/**
 * The deadline of a promise to act "within n business days": closing time on
 * the n-th business day after the day the clock started, in the program's zone.
 *
 * Why this rule: PSIRT policies promise answers "within N business days" and
 * both sides read that as "by close of business on day N". The day of receipt
 * never counts (a report arriving at 16:55 must not use up a day), so a report
 * received any time on Monday with n = 3 is due Thursday at closing time, and
 * one received on Saturday is due Wednesday. The deadline is at closing time
 * (17:00 by default) rather than midnight because a business-day promise is
 * kept by people at work: a deadline at 23:59 would pass with nobody there,
 * and near-breach reminders must arrive while the team can still act.
 */
export function addBusinessDays(cal: BusinessCalendar, start: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number of business days ≥ 1, not ${n}`);
  let d = localDateOf(start, cal.timeZone);
  for (let i = 0; i < n; i++) d = nextBusinessDay(cal, d);
  const s = cal.dayStatus(d);
  if (!s.open) throw new Error('unreachable: nextBusinessDay returned a closed day');
  return s.closesAt;
}

/**
 * Business time between two instants: the milliseconds of [from, to) that fall
 * within office hours on business days. This is what a paused clock gives back,
 * so a reporter who answers over the weekend costs the team no time.
 */
export function businessTimeBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  const last = localDateOf(to, cal.timeZone);
  let total = 0;
  let d = localDateOf(from, cal.timeZone);
  for (let i = 0; d <= last; i++, d = addDays(d, 1)) {
    if (i > MAX_DAYS * 10) throw new RangeError('businessTimeBetween: range too long');
    const s = cal.dayStatus(d);
    if (!s.open) continue;
    const a = Math.max(from.getTime(), s.opensAt.getTime());
    const b = Math.min(to.getTime(), s.closesAt.getTime());
    if (b > a) total += b - a;
  }
  return total;
}

/**
 * The earliest instant by which `ms` of business time has passed since `from`.
 * An exact fit ends at closing time, not at the next opening, so adding back
 * the business time between a start and a deadline gives the deadline again.
 */
export function addBusinessTime(cal: BusinessCalendar, from: Date, ms: number): Date {
  if (ms <= 0) return from;
  let left = ms;
  let d = localDateOf(from, cal.timeZone);
  for (let i = 0; i < MAX_DAYS * 10; i++, d = addDays(d, 1)) {
    const s = cal.dayStatus(d);
    if (!s.open) continue;
    const start = Math.max(from.getTime(), s.opensAt.getTime());
    const end = s.closesAt.getTime();
    if (start >= end) continue;
    if (left <= end - start) return new Date(start + left);
    left -= end - start;
  }
  throw new RangeError('addBusinessTime: no deadline within the search horizon; check the calendar.');
}

/** Why a local date is not a business day, in words ("Fri 25 Dec 2026: Christmas Day"); undefined when it is one. */
export function closureReason(cal: BusinessCalendar, date: LocalDate): string | undefined {
  const s = cal.dayStatus(date);
  if (s.open) return undefined;
  if (s.reason === 'holiday') return s.name;
  return s.reason === 'weekend' ? 'not a working day' : 'office closed';
}

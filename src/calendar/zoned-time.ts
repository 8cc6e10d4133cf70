/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl (Temporal
 * is not available on every Node this runs on). A "local date" is the
 * string YYYY-MM-DD of a day in the zone; instants are Dates.
 */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone name. */
export function isTimeZone(zone: string): boolean {
  // Constructing a DateTimeFormat is slow (ICU) and config parsing asks often; zones are few.
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    if (knownZones.size < 1000) knownZones.add(zone);
    return true;
  } catch {
    return false;
  }
}
const knownZones = new Set<string>();

export interface WallTime {
  date: LocalDate;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

/**
 * The date and time an instant shows on a clock in the zone. Intl's formatToParts is slow (a few µs),
 * and business-day arithmetic asks for it dozens of times per deadline (it was 7 % of a submission's
 * CPU), so the zone's offset is remembered per 15-minute span of time, when it is the same at both
 * ends of the span. Offsets change a few times a year and never twice within 15 minutes, so a span
 * with one offset at both ends has it throughout; a span a change falls inside is computed every time.
 */
export function wallTime(instant: Date, zone: string): WallTime {
  const t = instant.getTime();
  const span = Math.floor(t / OFFSET_SPAN_MS);
  const key = `${zone}\0${span}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = span * OFFSET_SPAN_MS;
    const first = exactOffset(new Date(start), zone);
    if (first !== exactOffset(new Date(start + OFFSET_SPAN_MS - 1), zone)) return wallTimeFromIntl(instant, zone);
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(key, (offset = first));
  }
  const local = t + offset;
  return { date: dateOfDay(Math.floor(local / DAY_MS)), msOfDay: ((local % DAY_MS) + DAY_MS) % DAY_MS };
}

const OFFSET_SPAN_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function exactOffset(instant: Date, zone: string): number {
  return offsetOf(wallTimeFromIntl(instant, zone), instant);
}

/** The offset from UTC a wall time shows for the instant it was read at. */
function offsetOf(w: WallTime, instant: Date): number {
  return dateToUtcMs(w.date) + w.msOfDay - instant.getTime();
}

/** wallTime from Intl alone, every time: what the remembered offsets must agree with (tested). */
export function wallTimeFromIntl(instant: Date, zone: string): WallTime {
  const p: Record<string, string> = {};
  for (const part of partsFormatter(zone).formatToParts(instant)) p[part.type] = part.value;
  const ms = ((instant.getTime() % 1000) + 1000) % 1000;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    msOfDay: ((Number(p.hour) * 60 + Number(p.minute)) * 60 + Number(p.second)) * 1000 + ms,
  };
}

/** The zone's offset from UTC at an instant, in ms (e.g. +3,600,000 for CET). */
export function offsetAt(instant: Date, zone: string): number {
  return offsetOf(wallTime(instant, zone), instant);
}

/** The local date an instant falls on in the zone. */
export function localDateOf(instant: Date, zone: string): LocalDate {
  return wallTime(instant, zone).date;
}

/**
 * The instant a wall-clock time on a local date happens in the zone. When the
 * clock jumps forward and skips that time, the result is as far after the jump
 * as the time was after the last valid one (02:30 in a 02:00→03:00 gap gives 03:30);
 * when the clock falls back and shows it twice, the earlier instant. These
 * match Temporal's "compatible" disambiguation.
 */
export function instantAt(zone: string, date: LocalDate, msOfDay: number): Date {
  const wall = dateToUtcMs(date) + msOfDay;
  // Offsets a day either side bracket any one transition near this time.
  const before = offsetAt(new Date(wall - DAY_MS), zone);
  const after = offsetAt(new Date(wall + DAY_MS), zone);
  const valid = [...new Set([before, after])].map((o) => wall - o).filter((t) => offsetAt(new Date(t), zone) === wall - t);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(wall - before);
}

/** The first instant of a local date (not always 00:00: some zones skip midnight on DST days). */
export function startOfDay(zone: string, date: LocalDate): Date {
  return instantAt(zone, date, 0);
}

/** The same wall-clock time `days` local days later (DST-safe: not days × 24 h). */
export function addCalendarDays(instant: Date, days: number, zone: string): Date {
  const w = wallTime(instant, zone);
  return instantAt(zone, addDays(w.date, days), w.msOfDay);
}

function dateToUtcMs(date: LocalDate): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    const [y, m, d] = date.split('-').map(Number);
    day = Date.UTC(y!, m! - 1, d!) / DAY_MS;
    if (dayNumbers.size >= DAY_CACHE) dayNumbers.clear();
    dayNumbers.set(date, day);
  }
  return day * DAY_MS;
}

/** The local date of a day number (days since 1970-01-01). */
function dateOfDay(day: number): LocalDate {
  let date = dayDates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayDates.size >= DAY_CACHE) dayDates.clear();
    dayDates.set(day, date);
  }
  return date;
}

// Business-day arithmetic walks the same few hundred days over and over (a first deadline took
// ~180 µs, most of it parsing and printing YYYY-MM-DD), so both directions are remembered.
const DAY_CACHE = 20_000;
const dayNumbers = new Map<LocalDate, number>();
const dayDates = new Map<number, LocalDate>();

/** A local date `n` days later (or earlier, for negative n). */
export function addDays(date: LocalDate, n: number): LocalDate {
  return dateOfDay(dateToUtcMs(date) / DAY_MS + n);
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const d = new Date(dateToUtcMs(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return new Date(dateToUtcMs(value)).toISOString().slice(0, 10) === value;
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** "Thu 26 Nov 17:00" (with the year when it is not `yearOf`'s), as a person reads a deadline. */
export function formatWallTime(instant: Date, zone: string, yearOf?: Date): string {
  const withYear = yearOf !== undefined && localDateOf(yearOf, zone).slice(0, 4) !== localDateOf(instant, zone).slice(0, 4);
  const key = `${zone}|${withYear}`;
  let f = displayFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hourCycle: 'h23', weekday: 'short', day: 'numeric', month: 'short',
      ...(withYear ? { year: 'numeric' } : {}), hour: '2-digit', minute: '2-digit',
    });
    displayFormatters.set(key, f);
  }
  // en-GB writes "Thu 26 Nov, 17:00"; drop the comma(s) for a plainer sentence.
  return f.format(instant).replace(/,/g, '');
}

import Holidays from 'date-holidays';
import type { HolidayType } from './calendar-config.ts';
import { addDays, type LocalDate } from './zoned-time.ts';

/** Looks up the holiday closing the office on a local date, if any. */
export type HolidayLookup = (date: LocalDate) => string | undefined;

/**
 * Public holidays of a country (and region) as a lookup by local date.
 *
 * Holidays are compared by the calendar date date-holidays lists them on
 * (`getHolidays(year)[i].date`, written in the country's own time), never by
 * instant: `isHoliday('YYYY-MM-DD')` reads its argument as UTC midnight, which
 * is the previous evening in Europe and gives the wrong day. A holiday whose
 * rule starts during the day (Germany's Heiliger Abend from 14:00) leaves that
 * day a business day: the office is open in the morning, and a deadline
 * cannot be half on a day. Holidays lasting several days close each of them.
 */
export function holidayLookup(country: string | undefined, region: string | undefined, types: readonly HolidayType[]): HolidayLookup {
  if (!country) return () => undefined;
  const hd = region ? new Holidays(country, region) : new Holidays(country);
  const wanted = new Set<string>(types);
  const years = new Map<number, Map<LocalDate, string>>();

  function yearMap(year: number): Map<LocalDate, string> {
    let map = years.get(year);
    if (map) return map;
    map = new Map();
    for (const h of hd.getHolidays(year, 'en')) {
      if (!wanted.has(h.type)) continue;
      const [date, time] = h.date.split(' ');
      if (!date || (time !== undefined && time !== '00:00:00')) continue;
      const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
      for (let i = 0; i < days; i++) {
        const d = addDays(date, i);
        // Two holidays on one day (e.g. a Sunday feast and its substitute): keep the first name.
        if (!map.has(d)) map.set(d, h.name);
      }
    }
    years.set(year, map);
    return map;
  }

  return (date) => {
    const year = Number(date.slice(0, 4));
    // A holiday lasting several days may start in the previous year.
    return yearMap(year).get(date) ?? (date.slice(5, 7) === '01' ? yearMap(year - 1).get(date) : undefined);
  };
}

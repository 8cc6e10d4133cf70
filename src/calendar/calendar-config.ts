import Holidays from 'date-holidays';
import { z } from 'zod';
import { isLocalDate, isTimeZone } from './zoned-time.ts';

/**
 * date-holidays' holiday types. Offices close on `public` and `bank` days
 * ("bank: banks and offices are closed"), e.g. Swedish julafton (24 Dec) and
 * midsommarafton are `bank`; `optional` (many take the day off) and
 * `observance` (no day off) are working days unless a program says otherwise.
 */
export const HOLIDAY_TYPES = ['public', 'bank', 'optional', 'school', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time written HH:MM, e.g. 17:00');

/**
 * A program's business calendar, as the operator writes it in the program config:
 *
 * ```json
 * "calendar": { "timeZone": "Europe/Stockholm", "country": "SE", "closures": ["2026-12-28"] }
 * ```
 */
export const calendarConfigSchema = z
  .object({
    /** IANA time zone the team works in; every due time is computed and shown in it. */
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Stockholm'),
    /** ISO 3166-1 country whose public holidays close the office; absent: no public holidays. */
    country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as SE').optional(),
    /** State, province or region code within the country (date-holidays' "state"), e.g. BY for Bavaria. */
    region: z.string().regex(/^[A-Z0-9]{1,4}$/, 'a region code such as BY').optional(),
    /** Which holiday types close the office. */
    holidayTypes: z.array(z.enum(HOLIDAY_TYPES)).min(1).default(['public', 'bank']),
    /** ISO weekdays the office works: 1 = Monday … 7 = Sunday. */
    workingDays: z
      .array(z.number().int().min(1).max(7))
      .min(1, 'at least one working day')
      .refine((d) => new Set(d).size === d.length, 'each weekday at most once')
      .default([1, 2, 3, 4, 5]),
    /**
     * Office hours on a working day. Business time (what a paused clock gives
     * back) counts only between these; a business-day deadline falls at `closes`.
     */
    businessHours: z
      .object({ opens: clockTime, closes: clockTime })
      .refine((h) => h.opens < h.closes, 'the office must open before it closes')
      .default({ opens: '09:00', closes: '17:00' }),
    /** Extra days the office is closed (company holidays, shutdowns), as YYYY-MM-DD local dates. */
    closures: z.array(z.string().refine(isLocalDate, 'a date written YYYY-MM-DD')).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.region && !c.country) ctx.addIssue({ code: 'custom', path: ['region'], message: 'a region needs a country' });
    if (!c.country) return;
    const known = new Holidays().getCountries('en') as Record<string, string> | undefined;
    if (!known?.[c.country]) {
      ctx.addIssue({ code: 'custom', path: ['country'], message: `no public holidays are known for country ${c.country}` });
      return;
    }
    if (c.region) {
      const regions = new Holidays().getStates(c.country, 'en') as Record<string, string> | undefined;
      if (!regions?.[c.region]) {
        const list = Object.keys(regions ?? {}).join(', ') || 'none';
        ctx.addIssue({ code: 'custom', path: ['region'], message: `${c.region} is not a region of ${c.country} (known: ${list})` });
      }
    }
  });

export type CalendarConfig = z.infer<typeof calendarConfigSchema>;
/** What an operator may write (defaults not yet applied). */
export type CalendarConfigInput = z.input<typeof calendarConfigSchema>;

/** For programs that declare no calendar: UTC, Monday to Friday, no holidays. */
export const DEFAULT_CALENDAR_CONFIG: CalendarConfigInput = { timeZone: 'UTC' };

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addBusinessDays, addBusinessTime, businessTimeBetween, closureReason, createBusinessCalendar, isBusinessDay, nextBusinessDay,
} from '../../src/calendar/business-calendar.ts';
import { calendarConfigSchema } from '../../src/calendar/calendar-config.ts';
import { addCalendarDays, formatWallTime, instantAt, localDateOf, startOfDay } from '../../src/calendar/zoned-time.ts';

const H = 3_600_000;
const se = createBusinessCalendar({ timeZone: 'Europe/Stockholm', country: 'SE' });
const it_ = createBusinessCalendar({ timeZone: 'Europe/Rome', country: 'IT' });
const iso = (d: Date) => d.toISOString();

describe('business days', () => {
  it('skip weekends; the day of receipt never counts', () => {
    // 2026-11-23 is a Monday. Stockholm is UTC+1 in November, so 17:00 local is 16:00Z.
    assert.equal(iso(addBusinessDays(se, new Date('2026-11-23T07:05:00Z'), 3)), '2026-11-26T16:00:00.000Z');
    assert.equal(iso(addBusinessDays(se, new Date('2026-11-23T16:59:00Z'), 3)), '2026-11-26T16:00:00.000Z', 'late Monday evening is still Monday');
    assert.equal(iso(addBusinessDays(se, new Date('2026-11-27T15:55:00Z'), 3)), '2026-12-02T16:00:00.000Z', 'Friday → Wednesday');
    assert.equal(iso(addBusinessDays(se, new Date('2026-11-28T12:00:00Z'), 3)), '2026-12-02T16:00:00.000Z', 'Saturday → Wednesday');
    assert.equal(iso(addBusinessDays(se, new Date('2026-11-29T23:30:00Z'), 1)), '2026-12-01T16:00:00.000Z', '00:30 Monday local is Monday');
    assert.throws(() => addBusinessDays(se, new Date(), 0), RangeError);
  });

  it('follow date-holidays for Swedish Christmas: 24 (bank), 25 and 26 Dec (public), and New Year’s Eve', () => {
    // 2025 has Christmas on weekdays: Wed 24, Thu 25, Fri 26.
    assert.deepEqual(
      ['2025-12-23', '2025-12-24', '2025-12-25', '2025-12-26', '2025-12-29', '2025-12-31', '2026-01-01', '2026-01-06'].map((d) => closureReason(se, d) ?? 'open'),
      ['open', 'Christmas Eve', 'Christmas Day', 'Boxing Day', 'open', "New Year's Eve", "New Year's Day", 'Epiphany'],
    );
    // 2026: Thu 24 and Fri 25 closed, 26 is a Saturday; a report on Tue 22 Dec is due Tue 29 Dec.
    assert.equal(isBusinessDay(se, '2026-12-24'), false);
    assert.equal(isBusinessDay(se, '2026-12-25'), false);
    assert.equal(nextBusinessDay(se, '2026-12-23'), '2026-12-28');
    assert.equal(formatWallTime(addBusinessDays(se, new Date('2026-12-22T09:00:00Z'), 3), 'Europe/Stockholm'), 'Tue 29 Dec 17:00');
    // Midsummer Eve is a bank holiday that closes Swedish offices (Fri 19 Jun 2026).
    assert.equal(closureReason(se, '2026-06-19'), 'Midsummer Eve');
  });

  it('follow date-holidays for Italian Christmas: 8, 25 and 26 Dec, but 24 Dec is worked', () => {
    assert.deepEqual(
      ['2025-12-08', '2025-12-24', '2025-12-25', '2025-12-26'].map((d) => closureReason(it_, d) ?? 'open'),
      ['Immaculate Conception', 'open', 'Christmas Day', 'Boxing Day'],
    );
    assert.equal(isBusinessDay(it_, '2026-12-08'), false);
    assert.equal(isBusinessDay(it_, '2026-12-24'), true);
    // Mon 7 Dec + 1 skips the Immacolata; Tue 22 Dec + 3 → Wed 23, Thu 24, Mon 28.
    assert.equal(formatWallTime(addBusinessDays(it_, new Date('2026-12-07T10:00:00Z'), 1), 'Europe/Rome'), 'Wed 9 Dec 17:00');
    assert.equal(formatWallTime(addBusinessDays(it_, new Date('2026-12-22T09:00:00Z'), 3), 'Europe/Rome'), 'Mon 28 Dec 17:00');
  });

  it('read holidays by the local date, not UTC midnight', () => {
    const nz = createBusinessCalendar({ timeZone: 'Pacific/Auckland', country: 'NZ' });
    // 12:00Z on 24 Dec is 01:00 on Christmas Day in Auckland.
    assert.equal(isBusinessDay(nz, new Date('2026-12-24T12:00:00Z')), false);
    assert.equal(isBusinessDay(nz, new Date('2026-12-23T12:00:00Z')), true);
    const us = createBusinessCalendar({ timeZone: 'America/Los_Angeles', country: 'US' });
    // 04:00Z on 26 Dec is still Christmas Day (20:00) in Los Angeles.
    assert.equal(isBusinessDay(us, new Date('2025-12-26T04:00:00Z')), false);
    assert.equal(isBusinessDay(us, new Date('2025-12-26T17:00:00Z')), true);
    // Independence Day 2026 falls on a Saturday; the substitute Friday closes the office.
    assert.equal(closureReason(us, '2026-07-03'), 'Independence Day (substitute day)');
  });

  it('leave half-day holidays worked, honour regions, closures and other working weeks', () => {
    const de = createBusinessCalendar({ timeZone: 'Europe/Berlin', country: 'DE' });
    assert.equal(isBusinessDay(de, '2025-12-24'), true, 'Heiliger Abend only from 14:00');
    assert.equal(isBusinessDay(de, '2026-01-06'), true, 'Epiphany is not a holiday everywhere in Germany');
    const by = createBusinessCalendar({ timeZone: 'Europe/Berlin', country: 'DE', region: 'BY' });
    assert.equal(closureReason(by, '2026-01-06'), 'Epiphany');
    const closed = createBusinessCalendar({ timeZone: 'Europe/Stockholm', country: 'SE', closures: ['2026-12-28', '2026-12-29', '2026-12-30'] });
    assert.equal(closureReason(closed, '2026-12-29'), 'office closed');
    assert.equal(formatWallTime(addBusinessDays(closed, new Date('2026-12-22T09:00:00Z'), 3), 'Europe/Stockholm', new Date('2026-12-22')), 'Tue 5 Jan 2027 17:00');
    const sunThu = createBusinessCalendar({ timeZone: 'Asia/Jerusalem', workingDays: [7, 1, 2, 3, 4] });
    // Thu 26 Nov 2026 + 1 → Sun 29 Nov.
    assert.equal(localDateOf(addBusinessDays(sunThu, new Date('2026-11-26T10:00:00Z'), 1), 'Asia/Jerusalem'), '2026-11-29');
    const publicOnly = createBusinessCalendar({ timeZone: 'Europe/Stockholm', country: 'SE', holidayTypes: ['public'] });
    assert.equal(isBusinessDay(publicOnly, '2025-12-24'), true);
  });
});

describe('daylight saving time', () => {
  it('puts deadlines at 17:00 local on either side of the change', () => {
    // Stockholm springs forward on Sun 29 Mar 2026 and falls back on Sun 25 Oct 2026.
    assert.equal(iso(addBusinessDays(se, new Date('2026-03-27T15:59:00Z'), 1)), '2026-03-30T15:00:00.000Z', 'Mon 17:00 CEST');
    assert.equal(iso(addBusinessDays(se, new Date('2026-10-23T14:59:00Z'), 1)), '2026-10-26T16:00:00.000Z', 'Mon 17:00 CET');
    const ny = createBusinessCalendar({ timeZone: 'America/New_York', country: 'US' });
    assert.equal(iso(addBusinessDays(ny, new Date('2026-03-06T21:00:00Z'), 1)), '2026-03-09T21:00:00.000Z', 'Mon 17:00 EDT');
  });

  it('counts business time in office hours only, across the change', () => {
    // Fri 27 Mar 16:00 CET → Mon 30 Mar 10:00 CEST: one hour each side of the weekend.
    assert.equal(businessTimeBetween(se, new Date('2026-03-27T15:00:00Z'), new Date('2026-03-30T08:00:00Z')), 2 * H);
    assert.equal(businessTimeBetween(se, new Date('2026-10-23T14:00:00Z'), new Date('2026-10-26T09:00:00Z')), 2 * H);
    assert.equal(businessTimeBetween(se, new Date('2026-12-23T16:00:00Z'), new Date('2026-12-28T08:00:00Z')), 0, 'closed from Wed evening to Mon morning');
    assert.equal(businessTimeBetween(se, new Date('2026-11-24T10:00:00Z'), new Date('2026-11-23T10:00:00Z')), 0);
  });

  it('adds business time back to exactly the deadline, never to the next morning', () => {
    const received = new Date('2026-11-23T09:12:00Z');
    const due = addBusinessDays(se, received, 3);
    assert.equal(iso(addBusinessTime(se, received, businessTimeBetween(se, received, due))), iso(due));
    // From Friday evening, 2 h of business time ends Monday 11:00.
    assert.equal(formatWallTime(addBusinessTime(se, new Date('2026-11-27T18:00:00Z'), 2 * H), 'Europe/Stockholm'), 'Mon 30 Nov 11:00');
    assert.equal(iso(addBusinessTime(se, received, 0)), iso(received));
  });

  it('resolves skipped and repeated wall times like Temporal’s “compatible”', () => {
    assert.equal(iso(instantAt('Europe/Stockholm', '2026-03-29', 2.5 * H)), '2026-03-29T01:30:00.000Z', '02:30 does not exist: 03:30 CEST');
    assert.equal(iso(instantAt('Europe/Stockholm', '2026-10-25', 2.5 * H)), '2026-10-25T00:30:00.000Z', '02:30 happens twice: the first');
    // Chile skips midnight when it springs forward (Sun 6 Sep 2026): the day starts at 01:00.
    assert.equal(iso(startOfDay('America/Santiago', '2026-09-06')), '2026-09-06T04:00:00.000Z');
    // Calendar days keep the wall time: 1 day across the spring change is 23 hours.
    assert.equal(iso(addCalendarDays(new Date('2026-03-28T09:00:00Z'), 1, 'Europe/Stockholm')), '2026-03-29T08:00:00.000Z');
  });
});

describe('calendar config', () => {
  const problems = (input: unknown) => {
    const r = calendarConfigSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('fills defaults and accepts a full config', () => {
    const c = calendarConfigSchema.parse({ timeZone: 'Europe/Stockholm', country: 'SE' });
    assert.deepEqual(c.workingDays, [1, 2, 3, 4, 5]);
    assert.deepEqual(c.businessHours, { opens: '09:00', closes: '17:00' });
    assert.deepEqual(c.holidayTypes, ['public', 'bank']);
    assert.deepEqual(problems({ timeZone: 'America/New_York', country: 'US', region: 'NY', closures: ['2026-12-24'], businessHours: { opens: '08:30', closes: '16:30' } }), []);
  });

  it('explains what is wrong', () => {
    assert.match(problems({ timeZone: 'Europe/Stokholm' }).join(), /timeZone: an IANA time zone/);
    assert.match(problems({ timeZone: 'UTC', country: 'XX' }).join(), /country: no public holidays are known for country XX/);
    assert.match(problems({ timeZone: 'UTC', region: 'BY' }).join(), /region: a region needs a country/);
    assert.match(problems({ timeZone: 'UTC', country: 'DE', region: 'ZZ' }).join(), /region: ZZ is not a region of DE \(known: .*BY/);
    assert.match(problems({ timeZone: 'UTC', workingDays: [1, 1] }).join(), /each weekday at most once/);
    assert.match(problems({ timeZone: 'UTC', workingDays: [] }).join(), /at least one working day/);
    assert.match(problems({ timeZone: 'UTC', businessHours: { opens: '17:00', closes: '09:00' } }).join(), /open before it closes/);
    assert.match(problems({ timeZone: 'UTC', closures: ['2026-02-30'] }).join(), /closures.0: a date written YYYY-MM-DD/);
  });
});

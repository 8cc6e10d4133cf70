import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addCalendarDays, addDays, instantAt, isLocalDate, isoWeekday, wallTime, wallTimeFromIntl } from '../../src/calendar/zoned-time.ts';

// wallTime remembers each zone's offset per 15 minutes (src/calendar/zoned-time.ts); it must give what
// Intl gives, at every instant: across DST changes, in zones with half- and quarter-hour offsets or
// 30-minute DST shifts, in zones that changed their standard offset, and before 1970.
const ZONES = ['Europe/Stockholm', 'Europe/Rome', 'America/New_York', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Kolkata', 'Pacific/Chatham', 'Pacific/Apia', 'Africa/Casablanca', 'Europe/Dublin', 'UTC'];

describe('wall-clock time with remembered offsets', () => {
  it('agrees with Intl at 20,000 pseudo-random instants from 1900 to 2100 in 12 zones, each asked twice (cold, then remembered)', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 20_000; i++) {
      const zone = ZONES[i % ZONES.length]!;
      const instant = new Date(Math.floor(from + next() * (to - from)));
      const expected = wallTimeFromIntl(instant, zone);
      assert.deepEqual(wallTime(instant, zone), expected, `${zone} at ${instant.toISOString()}`);
      assert.deepEqual(wallTime(instant, zone), expected, `${zone} at ${instant.toISOString()}, remembered`);
    }
  });

  it('agrees with Intl every second around DST changes, where a 15-minute span holds the change', () => {
    const changes: [string, string][] = [
      ['Europe/Stockholm', '2026-03-29T01:00:00Z'], // 02:00 CET -> 03:00 CEST
      ['Europe/Stockholm', '2026-10-25T01:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], // a 30-minute shift
      ['America/New_York', '2026-11-01T06:00:00Z'],
    ];
    for (const [zone, at] of changes) {
      const t = Date.parse(at);
      for (let s = -1200; s <= 1200; s++) {
        const instant = new Date(t + s * 1000 + (s % 7) * 111);
        assert.deepEqual(wallTime(instant, zone), wallTimeFromIntl(instant, zone), `${zone} at ${instant.toISOString()}`);
      }
    }
  });

  it('keeps the arithmetic built on it right across a change (same wall time a day later, the skipped hour)', () => {
    assert.equal(addCalendarDays(new Date('2026-03-28T09:00:00Z'), 1, 'Europe/Stockholm').toISOString(), '2026-03-29T08:00:00.000Z');
    assert.equal(instantAt('Europe/Stockholm', '2026-03-29', 2.5 * 3_600_000).toISOString(), '2026-03-29T01:30:00.000Z');
  });

  it('adds days to local dates as Date.UTC does, asked cold and again (remembered), from 1600 to 2400', () => {
    const DAY = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    for (let pass = 0; pass < 2; pass++) {
      for (let ms = Date.UTC(1600, 0, 1); ms < Date.UTC(2400, 0, 1); ms += 997 * DAY) {
        const date = iso(ms);
        for (const n of [-400, -1, 0, 1, 31, 366]) assert.equal(addDays(date, n), iso(ms + n * DAY), `${date} + ${n}`);
        assert.equal(isoWeekday(date), new Date(ms).getUTCDay() || 7);
        assert.ok(isLocalDate(date));
      }
    }
    assert.equal(isLocalDate('2026-02-29'), false);
    assert.equal(isLocalDate('2028-02-29'), true);
  });
});

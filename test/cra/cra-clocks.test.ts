import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatWallTime } from '../../src/calendar/zoned-time.ts';
import { addCalendarMonths, craClocks, craUrgency, nextCraDeadline, type CraClock, type CraFacts, type CraStep } from '../../src/cra/cra-clocks.ts';

type AnyClock = CraClock & { dueAt: Date };

const H = 3_600_000;
const at = (iso: string) => new Date(iso);
const vuln = (awareAt: string, more: Partial<CraFacts> = {}): CraFacts => ({ kind: 'exploited-vulnerability', awareAt: at(awareAt), measureAvailableAt: null, submissions: [], ...more });
const incident = (awareAt: string, more: Partial<CraFacts> = {}): CraFacts => ({ kind: 'severe-incident', awareAt: at(awareAt), measureAvailableAt: null, submissions: [], ...more });
const byStep = (facts: CraFacts, now: string, zone = 'Europe/Stockholm') =>
  Object.fromEntries(craClocks(facts, at(now), zone).map((c) => [c.step, c])) as Record<CraStep, AnyClock>;
const due = (c: { state: string } & Partial<{ dueAt: Date }>) => c.dueAt?.toISOString();

describe('CRA Article 14 clocks (pure)', () => {
  it('24 h early warning and 72 h notification count exact hours from awareness, nights and weekends included', () => {
    // Friday 18:00 UTC: the weekend counts.
    const c = byStep(vuln('2026-10-09T18:00:00Z'), '2026-10-09T19:00:00Z');
    assert.equal(due(c['early-warning']), '2026-10-10T18:00:00.000Z');
    assert.equal(due(c.notification), '2026-10-12T18:00:00.000Z');
    assert.equal(c['early-warning'].state, 'running');
    assert.equal(c['final-report'].state, 'waiting', 'no measure available yet: the final report has no deadline');
  });

  it('across the spring DST change (Europe/Stockholm) 24 h are 24 elapsed hours: the wall clock shows one hour later', () => {
    // Sat 28 Mar 2026 10:00 CET (09:00Z); clocks go 02:00 → 03:00 on Sunday 29 Mar.
    const c = byStep(vuln('2026-03-28T09:00:00Z'), '2026-03-28T09:30:00Z');
    assert.equal(due(c['early-warning']), '2026-03-29T09:00:00.000Z');
    assert.equal(formatWallTime(c['early-warning'].dueAt, 'Europe/Stockholm'), 'Sun 29 Mar 11:00');
    assert.equal(formatWallTime(c.notification.dueAt, 'Europe/Stockholm'), 'Tue 31 Mar 11:00');
  });

  it('across the autumn DST change (Europe/Rome) the wall clock shows one hour earlier', () => {
    // Sat 24 Oct 2026 10:00 CEST (08:00Z); clocks go 03:00 → 02:00 on Sunday 25 Oct.
    const c = byStep(vuln('2026-10-24T08:00:00Z'), '2026-10-24T08:30:00Z', 'Europe/Rome');
    assert.equal(due(c['early-warning']), '2026-10-25T08:00:00.000Z');
    assert.equal(formatWallTime(c['early-warning'].dueAt, 'Europe/Rome'), 'Sun 25 Oct 09:00');
  });

  it('the final report is due 14 local days after a measure is available, at the same local time across DST', () => {
    // Measure available Mon 19 Oct 2026 14:00 CEST (12:00Z); 14 days later is Mon 2 Nov 14:00 CET (13:00Z): 337 elapsed hours.
    const c = byStep(vuln('2026-10-15T08:00:00Z', { measureAvailableAt: at('2026-10-19T12:00:00Z') }), '2026-10-20T00:00:00Z');
    assert.equal(due(c['final-report']), '2026-11-02T13:00:00.000Z');
    assert.equal(formatWallTime(c['final-report'].dueAt, 'Europe/Stockholm'), 'Mon 2 Nov 14:00');
    assert.match(c['final-report'].basis, /14 days after a corrective or mitigating measure/);
    // Spring: 23 Mar 12:00 CET + 14 days = 6 Apr 12:00 CEST: 335 elapsed hours.
    const s = byStep(vuln('2026-03-20T08:00:00Z', { measureAvailableAt: at('2026-03-23T11:00:00Z') }), '2026-03-24T00:00:00Z', 'Europe/Rome');
    assert.equal(due(s['final-report']), '2026-04-06T10:00:00.000Z');
    assert.equal((s['final-report'] as { dueAt: Date }).dueAt.getTime() - at('2026-03-23T11:00:00Z').getTime(), 335 * H);
  });

  it('a severe incident’s final report is due one month after the notification was submitted, clamped at month ends', () => {
    const submitted = at('2027-01-31T09:00:00Z'); // 10:00 CET on 31 January
    const c = byStep(incident('2027-01-29T09:00:00Z', { submissions: [{ step: 'notification', submittedAt: submitted }] }), '2027-02-01T00:00:00Z');
    assert.equal(c.notification.state, 'submitted');
    assert.equal(due(c['final-report']), '2027-02-28T09:00:00.000Z', '31 Jan + 1 month = 28 Feb (2027 is no leap year)');
    assert.equal((c['final-report'] as { provisional: boolean }).provisional, false);
    // A leap year: 29 February.
    assert.equal(addCalendarMonths(at('2028-01-31T09:00:00Z'), 1, 'Europe/Rome').toISOString(), '2028-02-29T09:00:00.000Z');
    // 31 March + 1 month = 30 April, across the DST change: same local time (10:00 CET → 10:00 CEST).
    assert.equal(addCalendarMonths(at('2026-03-31T08:00:00Z'), 1, 'Europe/Stockholm').toISOString(), '2026-04-30T08:00:00.000Z');
    // December into January: the year turns.
    assert.equal(addCalendarMonths(at('2026-12-31T22:30:00Z'), 1, 'Europe/Stockholm').toISOString(), '2027-01-31T22:30:00.000Z');
  });

  it('before the incident notification is submitted, the final report counts from its 72 h deadline, marked provisional', () => {
    const c = byStep(incident('2026-11-27T10:00:00Z'), '2026-11-27T11:00:00Z');
    assert.equal(due(c.notification), '2026-11-30T10:00:00.000Z');
    assert.equal(due(c['final-report']), '2026-12-30T10:00:00.000Z');
    assert.equal((c['final-report'] as { provisional: boolean }).provisional, true);
    assert.match(c['final-report'].article, /14\(4\)\(c\)/);
  });

  it('a submission stops its clock (late when after the deadline); near-breach in the last quarter; overdue after', () => {
    const facts = vuln('2026-12-01T00:00:00Z', { submissions: [{ step: 'early-warning', submittedAt: at('2026-12-02T01:00:00Z') }] });
    const c = byStep(facts, '2026-12-03T06:00:00Z');
    assert.deepEqual([c['early-warning'].state, (c['early-warning'] as { late: boolean }).late], ['submitted', true]);
    assert.equal(craUrgency(c['early-warning']), 'done');
    assert.equal(craUrgency(c.notification), 'near-breach', '18 h left of 72');
    assert.equal(craUrgency(byStep(facts, '2026-12-03T05:59:00Z').notification), 'ok');
    const late = byStep(facts, '2026-12-04T00:00:01Z');
    assert.equal(late.notification.state, 'overdue');
    assert.equal(craUrgency(late.notification), 'breached');
    assert.equal(nextCraDeadline(craClocks(facts, at('2026-12-04T00:00:01Z'), 'UTC'))?.step, 'notification');
  });
});

describe('CRA form moments in the program’s zone', () => {
  it('reads and writes datetime-local values as wall-clock times; an ambiguous autumn hour takes the earlier instant (earlier deadlines)', async () => {
    const { fromLocalInput, toLocalInput } = await import('../../src/cra/local-moment.ts');
    assert.equal(fromLocalInput('2026-12-01T09:30', 'Europe/Stockholm')?.toISOString(), '2026-12-01T08:30:00.000Z');
    assert.equal(toLocalInput(new Date('2026-12-01T08:30:00Z'), 'Europe/Stockholm'), '2026-12-01T09:30');
    // 02:30 on 25 October 2026 happens twice in Rome: the first (CEST) is taken.
    assert.equal(fromLocalInput('2026-10-25T02:30', 'Europe/Rome')?.toISOString(), '2026-10-25T00:30:00.000Z');
    // 02:30 on 29 March 2026 does not exist in Stockholm: as far past the jump as it was after 02:00.
    assert.equal(fromLocalInput('2026-03-29T02:30', 'Europe/Stockholm')?.toISOString(), '2026-03-29T01:30:00.000Z');
    for (const bad of ['', '2026-02-30T10:00', '2026-12-01 09:30', '2026-12-01T24:00', 'yesterday']) assert.equal(fromLocalInput(bad, 'UTC'), undefined, bad);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBusinessCalendar } from '../../src/calendar/business-calendar.ts';
import type { ReportState } from '../../src/domain/lifecycle.ts';
import { clockUrgency, computeSlaClocks, nextDeadline, type ClockName, type SlaClock } from '../../src/sla/sla-clocks.ts';
import { historyFromTimeline, type ReportHistory, type SlaEvent } from '../../src/sla/sla-history.ts';
import { slaTargetsSchema, type SlaTargetsInput } from '../../src/sla/sla-targets.ts';

const calendar = createBusinessCalendar({ timeZone: 'Europe/Stockholm', country: 'SE' });
// Stockholm is UTC+1 in winter, UTC+2 in summer: times below are written with their offset.
const t = (local: string) => new Date(local);
const move = (at: string, from: ReportState, to: ReportState): SlaEvent => ({ kind: 'state-changed', at: t(at), from, to });
/** Acknowledging with the evaluation: the evaluation, then the move, at one instant (src/triage/acknowledge-with-evaluation.ts). */
const ack = (at: string): SlaEvent[] => [{ kind: 'evaluation-sent', at: t(at) }, move(at, 'new', 'acknowledged')];
const RECEIVED = '2026-11-23T10:12:00+01:00'; // Monday

function clocks(events: SlaEvent[], now: string, targets: SlaTargetsInput = { firstResponseBusinessDays: 3 }, received = RECEIVED): SlaClock[] {
  const history: ReportHistory = { receivedAt: t(received), events };
  return computeSlaClocks({ history, targets: slaTargetsSchema.parse(targets), calendar, now: t(now) });
}
function clock(name: ClockName, ...args: Parameters<typeof clocks>): SlaClock {
  const c = clocks(...args).find((x) => x.name === name);
  assert.ok(c, `no ${name} clock`);
  return c;
}
const due = (c: SlaClock) => ('dueAt' in c ? c.dueAt.toISOString() : undefined);

describe('a clock\'s explanation', () => {
  it('is written when read, and copies and JSON carry it', () => {
    const running = clock('first-response', [], '2026-11-24T09:00:00+01:00');
    const expected = 'Due Thu 26 Nov 17:00 Europe/Stockholm: 3 business days after receipt on Mon 23 Nov 10:12. 3 business days left.';
    assert.deepEqual(Object.keys(running).includes('explanation'), true);
    assert.equal({ ...running }.explanation, expected);
    assert.equal((JSON.parse(JSON.stringify(running)) as { explanation: string }).explanation, expected);
    assert.equal(structuredClone(running).explanation, expected);
  });
});

describe('first response clock, scripted', () => {
  it('runs, nears breach, breaches, and is met late; or met in time', () => {
    const running = clock('first-response', [], '2026-11-24T09:00:00+01:00');
    assert.equal(running.state, 'running');
    assert.equal(due(running), '2026-11-26T16:00:00.000Z');
    assert.ok(running.state === 'running' && !running.nearBreach);
    assert.equal(running.explanation, 'Due Thu 26 Nov 17:00 Europe/Stockholm: 3 business days after receipt on Mon 23 Nov 10:12. 3 business days left.');

    // 30 h 48 min of office hours in all; a quarter is 7 h 42 min.
    const near = clock('first-response', [], '2026-11-26T10:00:00+01:00');
    assert.ok(near.state === 'running' && near.nearBreach && near.budgetLeftMs === 7 * 3_600_000);
    assert.equal(clockUrgency(near), 'near-breach');
    assert.match(near.explanation, /7 h left, nearly due\.$/);

    const dueNow = clock('first-response', [], '2026-11-26T17:00:00+01:00');
    assert.ok(dueNow.state === 'running' && dueNow.timeLeftMs === 0 && dueNow.budgetLeftMs === 0);

    const breached = clock('first-response', [], '2026-11-27T09:30:00+01:00');
    assert.ok(breached.state === 'breached' && breached.metAt === null);
    assert.equal(breached.overdueByMs, 16.5 * 3_600_000);
    assert.equal(breached.explanation, 'Overdue by 16 h 30 min: due Thu 26 Nov 17:00 Europe/Stockholm (3 business days after receipt on Mon 23 Nov 10:12).');
    assert.equal(clockUrgency(breached), 'breached');

    const late = clock('first-response', [...ack('2026-11-27T10:00:00+01:00')], '2026-11-30T12:00:00+01:00');
    assert.ok(late.state === 'breached' && late.metAt?.toISOString() === '2026-11-27T09:00:00.000Z');
    assert.match(late.explanation, /^Met Fri 27 Nov 10:00, 17 h late: due Thu 26 Nov 17:00/);
    assert.equal(clockUrgency(late), 'done');

    const met = clock('first-response', [...ack('2026-11-25T14:00:00+01:00')], '2026-11-30T12:00:00+01:00');
    assert.ok(met.state === 'met' && met.metAt.toISOString() === '2026-11-25T13:00:00.000Z');
    assert.equal(met.explanation, 'Met Wed 25 Nov 14:00, 1 day 3 h before the deadline of Thu 26 Nov 17:00 Europe/Stockholm (3 business days after receipt on Mon 23 Nov 10:12).');
  });

  it('replays one history at any moment: events after `now` have not happened yet', () => {
    const events = [...ack('2026-11-25T14:00:00+01:00')];
    assert.equal(clock('first-response', events, '2026-11-25T13:59:00+01:00').state, 'running');
    assert.equal(clock('first-response', events, '2026-11-25T14:00:00+01:00').state, 'met');
  });
});

describe('what keeps the first-response promise', () => {
  it('an evaluation promised: only the evaluation (or a verdict) keeps it; a bare acknowledgement stops the clock as not kept', () => {
    const bare = clock('first-response', [move('2026-11-25T14:00:00+01:00', 'new', 'acknowledged')], '2026-11-30T12:00:00+01:00');
    assert.ok(bare.state === 'breached' && bare.metAt?.toISOString() === '2026-11-25T13:00:00.000Z' && bare.overdueByMs === 0);
    assert.match(bare.explanation, /^Not kept: answered Wed 25 Nov 14:00 without the evaluation and expected resolution date the program promises; due Thu 26 Nov 17:00/);
    assert.equal(clockUrgency(bare), 'done', 'nothing is left to do on time: it is out of the due view');

    const replied = clock('first-response', [{ kind: 'reporter-update', at: t('2026-11-24T10:00:00+01:00') }], '2026-11-24T12:00:00+01:00');
    assert.equal(replied.state, 'running', 'a reply is not the evaluation');
    const verdict = clock('first-response', [move('2026-11-24T10:00:00+01:00', 'new', 'not-applicable')], '2026-11-24T12:00:00+01:00');
    assert.equal(verdict.state, 'met');
  });

  it('a reply promised: the first answer keeps it, a question or a plain acknowledgement too', () => {
    const reply = { firstResponseBusinessDays: 1, firstResponse: 'reply' as const };
    const replied = clock('first-response', [{ kind: 'reporter-update', at: t('2026-11-23T15:00:00+01:00') }], '2026-11-24T12:00:00+01:00', reply);
    assert.ok(replied.state === 'met' && replied.metAt.toISOString() === '2026-11-23T14:00:00.000Z');
    const plain = clock('first-response', [move('2026-11-23T15:00:00+01:00', 'new', 'acknowledged')], '2026-11-24T12:00:00+01:00', reply);
    assert.equal(plain.state, 'met');
    const late = clock('first-response', [{ kind: 'reporter-update', at: t('2026-11-25T10:00:00+01:00') }], '2026-11-26T12:00:00+01:00', reply);
    assert.ok(late.state === 'breached' && late.metAt !== null);
  });

  it('reads the evaluation from the stored timeline', () => {
    const at = t('2026-11-24T10:00:00+01:00');
    const h = historyFromTimeline(t(RECEIVED), [{ type: 'evaluation-sent', actor_kind: 'staff', data: {}, reporter_visible: false, created_at: at }]);
    assert.deepEqual(h.events, [{ kind: 'evaluation-sent', at }]);
  });
});

describe('pausing while waiting on the reporter', () => {
  const events = [
    move('2026-11-24T10:00:00+01:00', 'new', 'needs-info'),
    move('2026-11-25T14:00:00+01:00', 'needs-info', 'new'),
  ];

  it('pauses, tells what is left, and adds the paused office hours to the deadline on resume', () => {
    const paused = clock('first-response', events, '2026-11-24T15:00:00+01:00');
    assert.ok(paused.state === 'paused');
    assert.equal(paused.pausedSince.toISOString(), '2026-11-24T09:00:00.000Z');
    // 6 h 48 min Monday + 1 h Tuesday used: 2 business days 7 h left; resuming at 15:00 Tue → Fri 14:00.
    assert.equal(paused.explanation, 'Paused since Tue 24 Nov 10:00 while waiting on the reporter: 2 business days 7 h left of 3 business days after receipt on Mon 23 Nov 10:12; due Fri 27 Nov 14:00 Europe/Stockholm if the reporter answers now.');
    assert.equal(clockUrgency(paused), 'paused');

    const resumed = clock('first-response', events, '2026-11-26T09:00:00+01:00');
    assert.equal(resumed.state, 'running');
    // Paused Tue 10:00–17:00 and Wed 09:00–14:00: 12 office hours, so Thu 17:00 moves to Mon 13:00.
    assert.equal(due(resumed), '2026-11-30T12:00:00.000Z');
    assert.ok(resumed.state === 'running' && resumed.basis.pausedMs === 12 * 3_600_000);
    assert.equal(resumed.explanation, 'Due Mon 30 Nov 13:00 Europe/Stockholm: 3 business days after receipt on Mon 23 Nov 10:12, paused 1 business day 4 h while waiting on the reporter. 2 business days 4 h left.');
  });

  it('costs no time when the wait falls outside office hours', () => {
    const weekend = [move('2026-11-27T17:30:00+01:00', 'new', 'needs-info'), move('2026-11-30T08:30:00+01:00', 'needs-info', 'new')];
    assert.equal(due(clock('first-response', weekend, '2026-11-30T09:00:00+01:00', undefined, '2026-11-26T12:00:00+01:00')), '2026-12-01T16:00:00.000Z');
  });

  it('does not undo a breach', () => {
    const afterDue = [move('2026-11-27T10:00:00+01:00', 'new', 'needs-info')];
    const c = clock('first-response', afterDue, '2026-11-30T10:00:00+01:00');
    assert.ok(c.state === 'breached' && c.metAt === null && due(c) === '2026-11-26T16:00:00.000Z');
  });

  it('keeps remediation and nudge clocks paused too, and counts calendar time for them', () => {
    const targets = { firstResponseBusinessDays: 3, remediationDays: { high: 30 }, noUpdateNudgeDays: 14 };
    const history: SlaEvent[] = [
      ...ack('2026-11-24T10:00:00+01:00'),
      { kind: 'reporter-update', at: t('2026-11-24T10:00:00+01:00') },
      move('2026-11-25T10:00:00+01:00', 'acknowledged', 'triaged'),
      { kind: 'severity-set', at: t('2026-11-25T10:05:00+01:00'), severity: 'high' },
      move('2026-11-26T10:00:00+01:00', 'triaged', 'needs-info'),
      { kind: 'reporter-update', at: t('2026-11-26T10:00:00+01:00') },
      move('2026-11-28T10:00:00+01:00', 'needs-info', 'triaged'),
    ];
    const [fr, remediation, nudge] = clocks(history, '2026-12-01T10:00:00+01:00', targets);
    assert.equal(fr!.state, 'met');
    // 30 days after Wed 25 Nov 10:00 is Fri 25 Dec 10:00; plus two paused days.
    assert.equal(due(remediation!), '2026-12-27T09:00:00.000Z');
    assert.match(remediation!.explanation, /30 days after triage on Wed 25 Nov 10:00 for high severity, paused 2 days while waiting on the reporter/);
    assert.equal(due(nudge!), '2026-12-12T09:00:00.000Z', '14 days after the needs-info question, plus the 2-day wait');
  });
});

describe('triage, remediation and nudge clocks', () => {
  const all = { firstResponseBusinessDays: 3, triageBusinessDays: 10, remediationDays: { critical: 7, high: 30 }, noUpdateNudgeDays: 14 };

  it('leaves out the clocks a program does not promise', () => {
    assert.deepEqual(clocks([], '2026-11-24T09:00:00+01:00').map((c) => c.name), ['first-response']);
    assert.deepEqual(clocks([], '2026-11-24T09:00:00+01:00', all).map((c) => c.name), ['first-response', 'triage', 'remediation', 'update-nudge']);
  });

  it('closing as spam meets triage and cancels the first response; reopening resumes the response clock', () => {
    const spam = [move('2026-11-24T10:00:00+01:00', 'new', 'spam')];
    const [fr, triage, remediation, nudge] = clocks(spam, '2026-11-25T10:00:00+01:00', all);
    assert.deepEqual([fr!.state, triage!.state, remediation!.state, nudge!.state], ['not-applicable', 'met', 'not-applicable', 'not-applicable']);
    assert.equal(fr!.explanation, 'Does not apply while the report is marked as spam.');
    const reopened = clock('first-response', [...spam, move('2026-11-25T10:00:00+01:00', 'spam', 'new')], '2026-11-25T11:00:00+01:00');
    assert.ok(reopened.state === 'running');
    // The day it spent as spam (Tue 10:00 → Wed 10:00, 8 office hours) is given back: due Fri 17:00.
    assert.equal(due(reopened), '2026-11-27T16:00:00.000Z');
    assert.match(reopened.explanation, /paused 1 business day while marked as spam/);
  });

  it('duplicate and not-applicable answer the reporter: first response and triage are met', () => {
    const dup = clocks([move('2026-11-24T10:00:00+01:00', 'new', 'duplicate')], '2026-11-25T10:00:00+01:00', all);
    assert.deepEqual(dup.map((c) => c.state), ['met', 'met', 'not-applicable', 'not-applicable']);
  });

  it('remediation starts at triage, needs the team severity, follows its changes, and is met when fixed', () => {
    const triaged = [...ack('2026-11-24T10:00:00+01:00'), move('2026-11-25T10:00:00+01:00', 'acknowledged', 'triaged')];
    const now = '2026-11-26T10:00:00+01:00';
    assert.equal(clock('remediation', triaged.slice(0, 1), now, all).explanation, 'Starts when the report is triaged.');
    assert.equal(clock('remediation', triaged, now, all).explanation, 'Set the team’s severity to start the remediation clock.');
    const sev = (at: string, severity: 'critical' | 'high' | 'low' | 'none'): SlaEvent => ({ kind: 'severity-set', at: t(at), severity });
    assert.equal(clock('remediation', [...triaged, sev('2026-11-25T11:00:00+01:00', 'low')], now, all).explanation, 'The program sets no remediation target for low severity.');
    assert.equal(clock('remediation', [...triaged, sev('2026-11-25T11:00:00+01:00', 'none')], now, all).state, 'not-applicable');
    const high = [...triaged, sev('2026-11-25T11:00:00+01:00', 'high')];
    assert.equal(due(clock('remediation', high, now, all)), '2026-12-25T09:00:00.000Z');
    const critical = [...high, sev('2026-11-26T09:00:00+01:00', 'critical')];
    assert.equal(due(clock('remediation', critical, now, all)), '2026-12-02T09:00:00.000Z', 'the new target counts from triage');
    const fixed = [...critical, move('2026-11-30T10:00:00+01:00', 'triaged', 'fixing'), move('2026-12-01T10:00:00+01:00', 'fixing', 'fixed')];
    const m = clock('remediation', fixed, '2026-12-10T10:00:00+01:00', all);
    assert.ok(m.state === 'met' && m.metAt.toISOString() === '2026-12-01T09:00:00.000Z');
    const na = clock('remediation', [...high, move('2026-11-27T10:00:00+01:00', 'triaged', 'not-applicable')], '2026-12-10T10:00:00+01:00', all);
    assert.equal(na.explanation, 'Does not apply while the report is closed as not applicable.');
  });

  it('remediation counts calendar days by the wall clock across the October change', () => {
    const events: SlaEvent[] = [
      ...ack('2026-10-01T09:00:00+02:00'),
      move('2026-10-01T10:00:00+02:00', 'acknowledged', 'triaged'),
      { kind: 'severity-set', at: t('2026-10-01T10:00:00+02:00'), severity: 'high' },
    ];
    // 30 days after Thu 1 Oct 10:00 CEST is Sat 31 Oct 10:00 CET (09:00Z): weekends count.
    assert.equal(due(clock('remediation', events, '2026-10-02T10:00:00+02:00', all, '2026-09-30T12:00:00+02:00')), '2026-10-31T09:00:00.000Z');
  });

  it('nudges when the reporter has heard nothing for the set days, and restarts on every update', () => {
    const quiet = clock('update-nudge', [...ack('2026-11-24T10:00:00+01:00'), { kind: 'reporter-update', at: t('2026-11-24T10:00:00+01:00') }], '2026-12-09T10:00:00+01:00', all);
    assert.ok(quiet.state === 'breached' && quiet.metAt === null && quiet.overdueByMs === 24 * 3_600_000);
    assert.match(quiet.explanation, /^Overdue by 1 day: due Tue 8 Dec 10:00 Europe\/Stockholm \(14 days after the last update to the reporter on Tue 24 Nov 10:00\)\.$/);
    const told = clock('update-nudge', [{ kind: 'reporter-update', at: t('2026-12-08T09:00:00+01:00') }], '2026-12-09T10:00:00+01:00', all);
    assert.equal(due(told), '2026-12-22T08:00:00.000Z');
  });

  it('the due view sorts by the nearest open deadline', () => {
    const cs = clocks([], '2026-11-24T09:00:00+01:00', all);
    assert.equal(nextDeadline(cs)?.toISOString(), '2026-11-26T16:00:00.000Z');
    assert.equal(nextDeadline(clocks([move('2026-11-24T10:00:00+01:00', 'new', 'spam')], '2026-11-25T10:00:00+01:00', all)), undefined);
  });

  it('can count near breach in hours left instead of a fraction', () => {
    const targets = { firstResponseBusinessDays: 3, nearBreach: { hoursLeft: 10 } };
    const c = clock('first-response', [], '2026-11-25T15:00:00+01:00', targets);
    assert.ok(c.state === 'running' && c.nearBreach && c.budgetLeftMs === 10 * 3_600_000);
    assert.throws(() => slaTargetsSchema.parse({ firstResponseBusinessDays: 3, nearBreach: { fractionLeft: 0.2, hoursLeft: 4 } }));
  });
});

describe('history from the stored timeline', () => {
  it('maps state changes, staff updates and severity, and ignores notes, the system’s resume and unknown states', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 23, h));
    const h = historyFromTimeline(at(9), [
      { type: 'submitted', actor_kind: 'reporter', data: {}, reporter_visible: true, created_at: at(9) },
      { type: 'state-changed', actor_kind: 'staff', data: { from: 'new', to: 'needs-info' }, reporter_visible: true, created_at: at(10) },
      { type: 'note-added', actor_kind: 'staff', data: {}, reporter_visible: false, created_at: at(11) },
      { type: 'reporter-replied', actor_kind: 'reporter', data: {}, reporter_visible: true, created_at: at(12) },
      { type: 'state-changed', actor_kind: 'system', data: { from: 'needs-info', to: 'new' }, reporter_visible: true, created_at: at(12) },
      { type: 'staff-replied', actor_kind: 'staff', data: {}, reporter_visible: true, created_at: at(13) },
      { type: 'severity-changed', actor_kind: 'staff', data: { severity: 'high' }, reporter_visible: false, created_at: at(14) },
      { type: 'state-changed', actor_kind: 'staff', data: { from: 'new', to: 'bogus' }, reporter_visible: true, created_at: at(15) },
    ]);
    assert.deepEqual(h.events.map((e) => `${e.kind}@${e.at.getUTCHours()}`), [
      'state-changed@10', 'reporter-update@10', 'state-changed@12', 'reporter-update@13', 'severity-set@14',
    ]);
  });
});

// Compile-time: a clock that does not apply has no deadline, and a met clock no time left.
function typeChecks(c: SlaClock): void {
  if (c.state === 'not-applicable') {
    // @ts-expect-error no dueAt on a clock that does not apply
    void c.dueAt;
  }
  if (c.state === 'met') {
    // @ts-expect-error no timeLeftMs once met
    void c.timeLeftMs;
  }
}
void typeChecks;

import { addBusinessDays, addBusinessTime, businessTimeBetween, type BusinessCalendar } from '../calendar/business-calendar.ts';
import { addCalendarDays, formatWallTime } from '../calendar/zoned-time.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import { runClock, type ClockRules, type ClockRun, type Measure } from './clock-engine.ts';
import { formatDuration, pausePhrase, pauseReason, targetPhrase } from './sla-explain.ts';
import { firstEventAt, lastReporterUpdate, severityAt, stateSpans, type ReportHistory } from './sla-history.ts';
import type { SlaTargets } from './sla-targets.ts';

export type ClockName = 'first-response' | 'triage' | 'remediation' | 'update-nudge';

export const CLOCK_LABELS: Readonly<Record<ClockName, string>> = {
  'first-response': 'First response',
  triage: 'Triage decision',
  remediation: 'Remediation',
  'update-nudge': 'Update to the reporter',
};

/** What a started clock counts against. */
export interface ClockBasis {
  /** When the clock started: receipt, triage, or the last update to the reporter. */
  startedAt: Date;
  amount: number;
  unit: 'business-days' | 'days';
  /** Time given back by pauses so far, in the clock's measure (office hours for business-day clocks). */
  pausedMs: number;
}

interface Common {
  name: ClockName;
  label: string;
  /** One sentence saying when it is due and why, in the program's time zone. */
  explanation: string;
}

/** Each state carries exactly the facts that make sense for it. */
export type SlaClock = Common &
  (
    | { state: 'running'; basis: ClockBasis; dueAt: Date; timeLeftMs: number; budgetLeftMs: number; nearBreach: boolean }
    /** Waiting on the reporter; `dueAt` is where the deadline would be if the clock resumed now. */
    | { state: 'paused'; basis: ClockBasis; pausedSince: Date; dueAt: Date; budgetLeftMs: number }
    | { state: 'met'; basis: ClockBasis; dueAt: Date; metAt: Date }
    /** Past its deadline: still open (`metAt` null) or met late. */
    | { state: 'breached'; basis: ClockBasis; dueAt: Date; overdueByMs: number; metAt: Date | null }
    | { state: 'not-applicable' }
  );

export type SlaClockState = SlaClock['state'];

const set = (...s: ReportState[]) => new Set<ReportState>(s);
const WAITING = set('needs-info');
/** Verdicts that answer the reporter with a decision, which is the evaluation for a report that needs no fix. */
const VERDICTS = set('duplicate', 'not-applicable');
const CLOSED = set('duplicate', 'not-applicable', 'spam', 'closed', 'disclosed');

/**
 * Which states keep, cancel or pause each clock. A duplicate or not-applicable
 * verdict answers the reporter, so it keeps the first-response promise; spam
 * gets no reply, so that promise does not apply to it.
 */
const RULES: Readonly<Record<ClockName, ClockRules>> = {
  'first-response': {
    met: set('acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed', 'closed', 'duplicate', 'not-applicable'),
    cancelled: set('spam'),
    paused: WAITING,
  },
  triage: {
    met: set('triaged', 'fixing', 'fixed', 'disclosed', 'closed', 'duplicate', 'not-applicable', 'spam'),
    cancelled: set(),
    paused: WAITING,
  },
  remediation: { met: set('fixed', 'disclosed', 'closed'), cancelled: set('duplicate', 'not-applicable', 'spam'), paused: WAITING },
  'update-nudge': { met: set(), cancelled: CLOSED, paused: WAITING },
};

export interface SlaInput {
  history: ReportHistory;
  targets: SlaTargets;
  calendar: BusinessCalendar;
  /** Injectable so tests (and "what if" views) can evaluate any moment. */
  now: Date;
}

/**
 * Every SLA clock of one report, in a fixed order (first response, triage,
 * remediation, update nudge); clocks whose target the program does not set are
 * left out. Pure: the same input always gives the same clocks.
 */
export function computeSlaClocks(input: SlaInput): SlaClock[] {
  const { history, targets, calendar, now } = input;
  const spans = stateSpans(history, now);
  const zone = calendar.timeZone;
  const when = (d: Date) => formatWallTime(d, zone, now);
  const business: Measure = { between: (a, b) => businessTimeBetween(calendar, a, b), add: (a, ms) => addBusinessTime(calendar, a, ms) };
  const elapsed: Measure = { between: (a, b) => Math.max(0, b.getTime() - a.getTime()), add: (a, ms) => new Date(a.getTime() + ms) };
  const clocks: SlaClock[] = [];

  const make = (
    name: ClockName,
    spec: {
      startAt: Date;
      amount: number;
      unit: ClockBasis['unit'];
      /** Why the clock stands where it does, in words (read only when a clock's explanation is). */
      basisText: () => string;
      /** An event that keeps the promise as well as the met states (the first-response promise). */
      metByEventAt?: Date | undefined;
      /** What the promise needed; a met state without it stops the clock as broken, not kept. */
      owed?: string;
      kept?: (run: ClockRun) => boolean;
    },
  ): SlaClock => {
    const isBusiness = spec.unit === 'business-days';
    const measure = isBusiness ? business : elapsed;
    const fmt = (ms: number) => formatDuration(ms, isBusiness ? { dayMs: calendar.businessDayMs, day: 'business day' } : undefined);
    const unpausedDue = isBusiness ? addBusinessDays(calendar, spec.startAt, spec.amount) : addCalendarDays(spec.startAt, spec.amount, zone);
    const budget = measure.between(spec.startAt, unpausedDue);
    const run = runClock({ startAt: spec.startAt, budget, measure, rules: RULES[name], spans, now, metByEventAt: spec.metByEventAt });
    const unkept = spec.kept && !spec.kept(run) ? (spec.owed ?? 'what the program promises') : undefined;
    return present(name, run, { budget, measure, fmt, when, zone, now, targets, spec, unkept });
  };

  const ack = targets.firstResponseBusinessDays;
  const afterReceipt = (n: number) => () => `${targetPhrase(n, 'business-days')} after receipt on ${when(history.receivedAt)}`;
  const firstResponse = { startAt: history.receivedAt, amount: ack, unit: 'business-days' as const, basisText: afterReceipt(ack) };
  if (targets.firstResponse === 'reply') {
    // Any answer keeps a promise of a reply: a message, a question, a verdict.
    clocks.push(make('first-response', { ...firstResponse, metByEventAt: firstEventAt(history, 'reporter-update', now) }));
  } else {
    // Only the evaluation (or a verdict, which is one) keeps it; a report accepted without one, which the
    // lifecycle no longer allows but older histories hold, stops the clock as a broken promise.
    clocks.push(
      make('first-response', {
        ...firstResponse,
        metByEventAt: firstEventAt(history, 'evaluation-sent', now),
        owed: 'the evaluation and expected resolution date the program promises',
        kept: (run) => run.kind !== 'met' || run.metState === undefined || VERDICTS.has(run.metState),
      }),
    );
  }

  if (targets.triageBusinessDays !== undefined) {
    const n = targets.triageBusinessDays;
    clocks.push(make('triage', { startAt: history.receivedAt, amount: n, unit: 'business-days', basisText: afterReceipt(n) }));
  }

  if (targets.remediationDays !== undefined) {
    // The first triage starts it; the current severity sets the target, counted from that triage.
    const triagedAt = spans.find((s) => s.state === 'triaged')?.from;
    const severity = severityAt(history, now);
    const days = severity && severity !== 'none' ? targets.remediationDays[severity] : undefined;
    const na = (why: string): SlaClock => ({ name: 'remediation', label: CLOCK_LABELS.remediation, state: 'not-applicable', explanation: why });
    if (!triagedAt) clocks.push(na('Starts when the report is triaged.'));
    else if (severity === undefined || severity === null) clocks.push(na('Set the team’s severity to start the remediation clock.'));
    else if (severity === 'none') clocks.push(na('No remediation target: the team rated the severity none.'));
    else if (days === undefined) clocks.push(na(`The program sets no remediation target for ${severity} severity.`));
    else {
      const basisText = () => `${targetPhrase(days, 'days')} after triage on ${when(triagedAt)} for ${severity} severity`;
      clocks.push(make('remediation', { startAt: triagedAt, amount: days, unit: 'days', basisText }));
    }
  }

  if (targets.noUpdateNudgeDays !== undefined) {
    const n = targets.noUpdateNudgeDays;
    const last = lastReporterUpdate(history, now);
    const what = last.getTime() === history.receivedAt.getTime() ? 'receipt' : 'the last update to the reporter';
    clocks.push(make('update-nudge', { startAt: last, amount: n, unit: 'days', basisText: () => `${targetPhrase(n, 'days')} after ${what} on ${when(last)}` }));
  }
  return clocks;
}

/** Whether a running clock with `left` of its `budget` remaining is near breach. */
export function isNearBreach(rule: SlaTargets['nearBreach'], left: number, budget: number): boolean {
  return 'fractionLeft' in rule ? left <= rule.fractionLeft * budget : left <= rule.hoursLeft * 3_600_000;
}

interface PresentContext {
  budget: number;
  measure: Measure;
  fmt: (ms: number) => string;
  when: (d: Date) => string;
  zone: string;
  now: Date;
  targets: SlaTargets;
  spec: { startAt: Date; amount: number; unit: ClockBasis['unit']; basisText: () => string };
  /** Set when the clock stopped without what was promised: what was owed. */
  unkept?: string | undefined;
}

/**
 * Turns a clock run into the clock a person (or the API) sees, with its sentence. The sentence is
 * written when read: most callers want only the deadline (every event stores the next one), and
 * formatting dates in a time zone was most of a deadline's cost.
 */
function present(name: ClockName, run: ClockRun, ctx: PresentContext): SlaClock {
  const { fmt, when, zone, now, spec } = ctx;
  const label = CLOCK_LABELS[name];
  const pausedMs = [...run.pausedBy.values()].reduce((a, b) => a + b, 0);
  const basis: ClockBasis = { startedAt: spec.startAt, amount: spec.amount, unit: spec.unit, pausedMs };
  const why = () => `${spec.basisText()}${pausePhrase(run.pausedBy, fmt)}`;
  const real = (ms: number) => formatDuration(ms);
  switch (run.kind) {
    case 'met': {
      if (ctx.unkept) {
        const unkept = ctx.unkept;
        const overdueByMs = Math.max(0, run.metAt.getTime() - run.dueAt.getTime());
        return lazily({ name, label, state: 'breached', basis, dueAt: run.dueAt, overdueByMs, metAt: run.metAt }, () => `Not kept: answered ${when(run.metAt)} without ${unkept}; due ${when(run.dueAt)} ${zone} (${why()}).`);
      }
      if (run.metAt > run.dueAt) {
        const overdueByMs = run.metAt.getTime() - run.dueAt.getTime();
        return lazily({ name, label, state: 'breached', basis, dueAt: run.dueAt, overdueByMs, metAt: run.metAt }, () => `Met ${when(run.metAt)}, ${real(overdueByMs)} late: due ${when(run.dueAt)} ${zone} (${why()}).`);
      }
      const early = run.dueAt.getTime() - run.metAt.getTime();
      return lazily({ name, label, state: 'met', basis, dueAt: run.dueAt, metAt: run.metAt }, () => {
        const margin = early >= 60_000 ? `${real(early)} before the deadline of` : 'by the deadline,';
        return `Met ${when(run.metAt)}, ${margin} ${when(run.dueAt)} ${zone} (${why()}).`;
      });
    }
    case 'cancelled': {
      const state = run.state;
      return lazily({ name, label, state: 'not-applicable' }, () => `Does not apply ${pauseReason(state).replace(/^while /, 'while the report is ')}.`);
    }
    case 'overdue': {
      const overdueByMs = now.getTime() - run.dueAt.getTime();
      return lazily({ name, label, state: 'breached', basis, dueAt: run.dueAt, overdueByMs, metAt: null }, () => `Overdue by ${real(overdueByMs)}: due ${when(run.dueAt)} ${zone} (${why()}).`);
    }
    case 'paused': {
      const dueAt = ctx.measure.add(now, run.budgetLeft);
      return lazily({ name, label, state: 'paused', basis, pausedSince: run.since, dueAt, budgetLeftMs: run.budgetLeft }, () =>
        `Paused since ${when(run.since)} ${pauseReason(run.state)}: ${fmt(run.budgetLeft)} left of ${spec.basisText()}; ` +
        `due ${when(dueAt)} ${zone} if ${run.state === 'needs-info' ? 'the reporter answers' : 'it resumes'} now.`);
    }
    case 'running': {
      const nearBreach = isNearBreach(ctx.targets.nearBreach, run.budgetLeft, ctx.budget);
      const timeLeftMs = Math.max(0, run.dueAt.getTime() - now.getTime());
      return lazily({ name, label, state: 'running', basis, dueAt: run.dueAt, timeLeftMs, budgetLeftMs: run.budgetLeft, nearBreach }, () => {
        const left = run.budgetLeft > 0 ? `${fmt(run.budgetLeft)} left` : 'Due now';
        return `Due ${when(run.dueAt)} ${zone}: ${why()}. ${left}${nearBreach ? ', nearly due' : ''}.`;
      });
    }
  }
}

/** A clock whose `explanation` is written the first time it is read (an enumerable property then, so JSON and copies carry it). */
function lazily<C extends Omit<SlaClock, 'explanation'>>(clock: C, explain: () => string): C & { explanation: string } {
  let text: string | undefined;
  return Object.defineProperty(clock, 'explanation', { enumerable: true, configurable: true, get: () => (text ??= explain()) }) as C & { explanation: string };
}

/** How much attention a clock asks for, most urgent first; for badges, reminders and the due view. */
export type ClockUrgency = 'breached' | 'near-breach' | 'running' | 'paused' | 'done';

export function clockUrgency(clock: SlaClock): ClockUrgency {
  switch (clock.state) {
    case 'breached':
      return clock.metAt === null ? 'breached' : 'done';
    case 'running':
      return clock.nearBreach ? 'near-breach' : 'running';
    case 'paused':
      return 'paused';
    default:
      return 'done';
  }
}

/**
 * The deadline the "due" view sorts a report by: the earliest due time of its
 * open clocks (running, or breached and still open); undefined when nothing is due.
 */
export function nextDeadline(clocks: readonly SlaClock[]): Date | undefined {
  let best: Date | undefined;
  for (const c of clocks) {
    const open = c.state === 'running' || (c.state === 'breached' && c.metAt === null);
    if (open && (!best || c.dueAt < best)) best = c.dueAt;
  }
  return best;
}

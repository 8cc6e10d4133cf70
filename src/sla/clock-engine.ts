import type { ReportState } from '../domain/lifecycle.ts';
import type { StateSpan } from './sla-history.ts';

/**
 * How a clock measures time: business clocks count office hours on business
 * days, calendar clocks count elapsed time. A clock's allowance ("budget") is
 * the measured time from its start to its unpaused deadline; the deadline is
 * wherever the running (unpaused) time reaches the budget.
 */
export interface Measure {
  between(from: Date, to: Date): number;
  /** The earliest instant at which `ms` of measured time has passed since `from`. */
  add(from: Date, ms: number): Date;
}

export interface ClockRules {
  /** States that stop the clock as kept (the first one reached is final). */
  met: ReadonlySet<ReportState>;
  /** States in which the promise no longer applies; leaving one (a reopening) resumes the clock. */
  cancelled: ReadonlySet<ReportState>;
  /** States the clock waits in without using its allowance (needs-info). */
  paused: ReadonlySet<ReportState>;
}

export type ClockRun = {
  /** Measured time spent paused, by the state it was spent in. */
  pausedBy: ReadonlyMap<ReportState, number>;
} & (
  /** `metState`: the state that kept it, or undefined when an event did (`metByEventAt`). */
  | { kind: 'met'; metAt: Date; dueAt: Date; metState?: ReportState }
  | { kind: 'cancelled'; state: ReportState; since: Date }
  /** The allowance ran out before anything stopped the clock: breached and still open. */
  | { kind: 'overdue'; dueAt: Date }
  | { kind: 'paused'; state: ReportState; since: Date; budgetLeft: number }
  | { kind: 'running'; dueAt: Date; budgetLeft: number }
);

/**
 * Runs one clock over a report's state spans: from `startAt`, using up
 * `budget` of measured time while the report is in a running state, until a
 * met state, a cancelled state or `now`. A pause after the deadline has
 * passed does not undo the breach. Pure; the spans already end at `now`.
 */
export function runClock(args: {
  startAt: Date;
  budget: number;
  measure: Measure;
  rules: ClockRules;
  spans: readonly StateSpan[];
  now: Date;
  /** When an event (not a state) kept the promise, e.g. the evaluation being sent; the earlier of the two counts. */
  metByEventAt?: Date | undefined;
}): ClockRun {
  const { startAt, budget, measure, rules, spans, now } = args;
  const stateSpan = spans.find((s) => s.from >= startAt && rules.met.has(s.state) && s.from <= now);
  const eventAt = args.metByEventAt && args.metByEventAt >= startAt && args.metByEventAt <= now ? args.metByEventAt : undefined;
  const metSpan: { from: Date; state?: ReportState } | undefined =
    eventAt && (!stateSpan || eventAt <= stateSpan.from) ? { from: eventAt } : stateSpan;
  const stopAt = metSpan?.from ?? now;
  const pausedBy = new Map<ReportState, number>();
  let left = budget;
  let dueAt: Date | undefined;
  let current: StateSpan | undefined;

  for (const span of spans) {
    const from = span.from > startAt ? span.from : startAt;
    const to = span.to < stopAt ? span.to : stopAt;
    if (from > stopAt || span.to < startAt) continue;
    current = { state: span.state, from, to };
    if (to <= from) continue;
    if (rules.paused.has(span.state) || rules.cancelled.has(span.state)) {
      if (!dueAt) pausedBy.set(span.state, (pausedBy.get(span.state) ?? 0) + measure.between(from, to));
      continue;
    }
    if (dueAt) continue;
    const used = measure.between(from, to);
    if (used >= left) dueAt = measure.add(from, left);
    else left -= used;
  }

  if (metSpan) {
    return { kind: 'met', metAt: metSpan.from, dueAt: dueAt ?? measure.add(metSpan.from, left), pausedBy, ...(metSpan.state ? { metState: metSpan.state } : {}) };
  }
  const state = current?.state ?? spans.at(-1)?.state ?? 'new';
  const since = current?.from ?? startAt;
  if (rules.cancelled.has(state)) return { kind: 'cancelled', state, since, pausedBy };
  // Exhausted exactly at `now` is due now, not yet overdue.
  if (dueAt && dueAt < now) return { kind: 'overdue', dueAt, pausedBy };
  if (dueAt) return { kind: 'running', dueAt, budgetLeft: 0, pausedBy };
  if (rules.paused.has(state)) return { kind: 'paused', state, since, budgetLeft: left, pausedBy };
  return { kind: 'running', dueAt: measure.add(now, left), budgetLeft: left, pausedBy };
}

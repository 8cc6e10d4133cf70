import { isReportState, type ReportState } from '../domain/lifecycle.ts';
import { SEVERITIES, type Severity } from './sla-targets.ts';

/** One fact of a report's history that the SLA clocks depend on. */
export type SlaEvent =
  | { kind: 'state-changed'; at: Date; from: ReportState; to: ReportState }
  /** The team told the reporter something: a reporter-visible message or state change. */
  | { kind: 'reporter-update'; at: Date }
  /** The team sent its evaluation and expected resolution date (src/triage/acknowledge-with-evaluation.ts). */
  | { kind: 'evaluation-sent'; at: Date }
  /** The team set (or cleared, with null) its severity of the report. */
  | { kind: 'severity-set'; at: Date; severity: Severity | null };

/** What the clocks are computed from: when the report arrived (in state `new`) and what happened since. */
export interface ReportHistory {
  receivedAt: Date;
  events: readonly SlaEvent[];
}

/** The shape of a `report_events` row, as far as the clocks care. */
export interface TimelineRow {
  type: string;
  actor_kind: string;
  data: Record<string, unknown>;
  reporter_visible: boolean;
  created_at: Date;
}

const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);

/**
 * Builds the clocks' input from a report's stored timeline. `receivedAt` is the
 * report's `created_at`. A severity event is any event whose data carries
 * `severity` (the team-severity event does not exist yet; when it does, it only
 * needs that field). A reporter-visible event by staff counts as an update to
 * the reporter; the system's own resume after a reporter reply does not.
 */
export function historyFromTimeline(receivedAt: Date, rows: readonly TimelineRow[]): ReportHistory {
  const events: SlaEvent[] = [];
  for (const row of rows) {
    const at = row.created_at;
    const staffTold = row.reporter_visible && row.actor_kind === 'staff';
    if (row.type === 'state-changed') {
      if (!isReportState(row.data.from) || !isReportState(row.data.to)) continue;
      events.push({ kind: 'state-changed', at, from: row.data.from, to: row.data.to });
      if (staffTold) events.push({ kind: 'reporter-update', at });
    } else if (row.type === 'evaluation-sent') {
      events.push({ kind: 'evaluation-sent', at });
    } else if (staffTold) {
      // A reply, a moved resolution date, a duplicate verdict: anything the team told the reporter.
      events.push({ kind: 'reporter-update', at });
    }
    if ('severity' in row.data && (row.data.severity === null || isSeverity(row.data.severity))) {
      events.push({ kind: 'severity-set', at, severity: row.data.severity });
    }
  }
  return { receivedAt, events };
}

/** A stretch of time the report spent in one state. */
export interface StateSpan {
  state: ReportState;
  from: Date;
  /** Exclusive; the last span ends at `now`. */
  to: Date;
}

/**
 * The report's states over time up to `now`, from `new` at receipt. Events
 * after `now` are ignored, so the same history replays at any moment (tests
 * script the clock this way). Events at one instant keep their given order.
 */
export function stateSpans(history: ReportHistory, now: Date): StateSpan[] {
  const changes = history.events
    .filter((e): e is Extract<SlaEvent, { kind: 'state-changed' }> => e.kind === 'state-changed' && e.at <= now && e.at >= history.receivedAt)
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
    .map(({ e }) => e);
  const spans: StateSpan[] = [];
  let state: ReportState = 'new';
  let from = history.receivedAt;
  for (const c of changes) {
    if (c.at > from) spans.push({ state, from, to: c.at });
    state = c.to;
    from = c.at;
  }
  spans.push({ state, from, to: now > from ? now : from });
  return spans;
}

/** The team's severity as of `now`: the latest severity event, or undefined when never set. */
export function severityAt(history: ReportHistory, now: Date): Severity | null | undefined {
  let latest: Extract<SlaEvent, { kind: 'severity-set' }> | undefined;
  for (const e of history.events) {
    if (e.kind === 'severity-set' && e.at <= now && (!latest || e.at >= latest.at)) latest = e;
  }
  return latest?.severity;
}

/** When the first event of a kind happened, if it has by `now`. */
export function firstEventAt(history: ReportHistory, kind: SlaEvent['kind'], now: Date): Date | undefined {
  let first: Date | undefined;
  for (const e of history.events) if (e.kind === kind && e.at <= now && e.at >= history.receivedAt && (!first || e.at < first)) first = e.at;
  return first;
}

/** The latest update the reporter got from the team up to `now` (receipt counts: they got a receipt). */
export function lastReporterUpdate(history: ReportHistory, now: Date): Date {
  let last = history.receivedAt;
  for (const e of history.events) if (e.kind === 'reporter-update' && e.at <= now && e.at > last) last = e.at;
  return last;
}

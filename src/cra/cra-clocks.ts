import { addCalendarDays, instantAt, wallTime } from '../calendar/zoned-time.ts';

/**
 * The EU Cyber Resilience Act's Article 14 reporting clocks (Regulation (EU)
 * 2024/2847), pure: facts in, clocks out, `now` and the program's time zone
 * passed in. Counted in wall-clock time (nights, weekends and holidays count),
 * never in business days. docs/cra.md gives the article references.
 *
 * Counting is deliberately conservative: hours are exact elapsed hours from
 * the moment the team became aware; days and months land on the same local
 * time in the program's zone (a month from 31 January is the last day of
 * February). Each deadline is therefore never later than the legal one, which
 * Regulation 1182/71 would let run to the end of that hour or day.
 */
export type CraKind = 'exploited-vulnerability' | 'severe-incident';
export type CraStep = 'early-warning' | 'notification' | 'final-report';

export const CRA_KINDS: readonly CraKind[] = ['exploited-vulnerability', 'severe-incident'];
export const CRA_STEPS: readonly CraStep[] = ['early-warning', 'notification', 'final-report'];

export const CRA_KIND_LABELS: Readonly<Record<CraKind, string>> = {
  'exploited-vulnerability': 'Actively exploited vulnerability',
  'severe-incident': 'Severe incident',
};

export const CRA_STEP_LABELS: Readonly<Record<CraKind, Record<CraStep, string>>> = {
  'exploited-vulnerability': { 'early-warning': 'Early warning', notification: 'Vulnerability notification', 'final-report': 'Final report' },
  'severe-incident': { 'early-warning': 'Early warning', notification: 'Incident notification', 'final-report': 'Final report' },
};

/** Where each step is required: Art. 14(2) for exploited vulnerabilities, 14(4) for severe incidents. */
export const CRA_STEP_ARTICLES: Readonly<Record<CraKind, Record<CraStep, string>>> = {
  'exploited-vulnerability': { 'early-warning': 'Art. 14(2)(a)', notification: 'Art. 14(2)(b)', 'final-report': 'Art. 14(2)(c)' },
  'severe-incident': { 'early-warning': 'Art. 14(4)(a)', notification: 'Art. 14(4)(b)', 'final-report': 'Art. 14(4)(c)' },
};

/** The clock names the SLA reminders table knows them by (sla_reminders.clock). */
export type CraClockName = `cra-${'vuln' | 'incident'}-${CraStep}`;

export function craClockName(kind: CraKind, step: CraStep): CraClockName {
  return `cra-${kind === 'exploited-vulnerability' ? 'vuln' : 'incident'}-${step}`;
}

/** Whether an SLA reminder's clock is one of the CRA's. */
export function isCraClockName(name: string): name is CraClockName {
  return parseCraClockName(name) !== undefined;
}

export function parseCraClockName(name: string): { kind: CraKind; step: CraStep } | undefined {
  const m = /^cra-(vuln|incident)-(early-warning|notification|final-report)$/.exec(name);
  if (!m) return undefined;
  return { kind: m[1] === 'vuln' ? 'exploited-vulnerability' : 'severe-incident', step: m[2] as CraStep };
}

export interface CraFacts {
  kind: CraKind;
  /** When the team became aware of the exploitation or the incident: every clock counts from here. */
  awareAt: Date;
  /** When a corrective or mitigating measure became available (starts the vulnerability's final report clock). */
  measureAvailableAt: Date | null;
  /** Submissions to the single reporting platform; the first for a step stops its clock. */
  submissions: readonly { step: CraStep; submittedAt: Date }[];
}

interface Common {
  step: CraStep;
  label: string;
  article: string;
  /** One sentence: what the deadline counts from. */
  basis: string;
}

export type CraClock = Common &
  (
    | { state: 'running'; dueAt: Date; timeLeftMs: number; nearBreach: boolean; provisional: boolean }
    | { state: 'overdue'; dueAt: Date; overdueByMs: number; provisional: boolean }
    | { state: 'submitted'; dueAt: Date; submittedAt: Date; late: boolean }
    /** The vulnerability's final report before a corrective or mitigating measure is available: no deadline yet. */
    | { state: 'waiting'; submittedAt: Date | null }
  );

const HOUR = 3_600_000;

/** The same local time `months` later in the zone; a day the month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addCalendarMonths(instant: Date, months: number, zone: string): Date {
  const w = wallTime(instant, zone);
  const [y, m, d] = w.date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
  return instantAt(zone, date, w.msOfDay);
}

/** Re-exported for callers that count the 14 days: the same local time 14 local days later. */
export function addLocalDays(instant: Date, days: number, zone: string): Date {
  return addCalendarDays(instant, days, zone);
}

/** A quarter of the step's window left (6 h of 24, 18 h of 72, 3½ days of 14): time to remind. */
const NEAR_SHARE = 0.25;

/**
 * The three clocks of one case at `now`. The incident's final report counts
 * one month from the incident notification's submission; until that is
 * recorded, from its deadline (marked provisional).
 */
export function craClocks(facts: CraFacts, now: Date, zone: string): CraClock[] {
  const first = (step: CraStep) =>
    facts.submissions.filter((s) => s.step === step).map((s) => s.submittedAt).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const labels = CRA_STEP_LABELS[facts.kind];
  const articles = CRA_STEP_ARTICLES[facts.kind];
  const make = (step: CraStep, start: Date | null, dueAt: Date | null, basis: string, provisional = false): CraClock => {
    const common = { step, label: labels[step], article: articles[step], basis };
    const submittedAt = first(step);
    if (!dueAt || !start) return { ...common, state: 'waiting', submittedAt };
    if (submittedAt) return { ...common, state: 'submitted', dueAt, submittedAt, late: submittedAt > dueAt };
    const left = dueAt.getTime() - now.getTime();
    if (left < 0) return { ...common, state: 'overdue', dueAt, overdueByMs: -left, provisional };
    const window = dueAt.getTime() - start.getTime();
    return { ...common, state: 'running', dueAt, timeLeftMs: left, nearBreach: left <= window * NEAR_SHARE, provisional };
  };
  const aware = facts.awareAt;
  const early = make('early-warning', aware, new Date(aware.getTime() + 24 * HOUR), '24 hours after the team became aware');
  const notificationDue = new Date(aware.getTime() + 72 * HOUR);
  const notification = make('notification', aware, notificationDue, '72 hours after the team became aware');
  let final: CraClock;
  if (facts.kind === 'exploited-vulnerability') {
    const measure = facts.measureAvailableAt;
    final = measure
      ? make('final-report', measure, addLocalDays(measure, 14, zone), '14 days after a corrective or mitigating measure became available')
      : make('final-report', null, null, 'starts when a corrective or mitigating measure is available (14 days from then)');
  } else {
    const submitted = first('notification');
    const from = submitted ?? notificationDue;
    final = make(
      'final-report',
      from,
      addCalendarMonths(from, 1, zone),
      submitted ? 'one month after the incident notification was submitted' : 'one month after the incident notification (counted from its deadline until it is submitted)',
      !submitted,
    );
  }
  return [early, notification, final];
}

export type CraUrgency = 'ok' | 'near-breach' | 'breached' | 'done' | 'waiting';

/** How a clock reads in lists and reminders. */
export function craUrgency(clock: CraClock): CraUrgency {
  if (clock.state === 'overdue') return 'breached';
  if (clock.state === 'running') return clock.nearBreach ? 'near-breach' : 'ok';
  if (clock.state === 'submitted') return 'done';
  return 'waiting';
}

/** The nearest deadline still open (running or overdue), if any. */
export function nextCraDeadline(clocks: readonly CraClock[]): (CraClock & { dueAt: Date }) | undefined {
  const open = clocks.filter((c): c is CraClock & { dueAt: Date } => c.state === 'running' || c.state === 'overdue');
  return open.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
}

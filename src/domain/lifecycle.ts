/**
 * The report lifecycle as a pure transition table (DESIGN.md). Every
 * transition the application performs goes through `checkTransition`.
 */
export const REPORT_STATES = [
  'new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed',
  'needs-info', 'duplicate', 'not-applicable', 'spam', 'closed',
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** States a report can wait on the reporter from, and return to on their reply. */
export const RESUMABLE_STATES = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed'] as const;
export type ResumableState = (typeof RESUMABLE_STATES)[number];

const TRANSITIONS: Readonly<Record<ReportState, readonly ReportState[]>> = {
  new: ['acknowledged', 'needs-info', 'duplicate', 'not-applicable', 'spam'],
  acknowledged: ['triaged', 'needs-info', 'duplicate', 'not-applicable', 'spam'],
  triaged: ['fixing', 'needs-info', 'duplicate', 'not-applicable', 'closed'],
  fixing: ['fixed', 'needs-info', 'triaged'],
  fixed: ['disclosed', 'closed', 'fixing'],
  // Staff may also resolve the wait themselves; the reporter's reply resumes it automatically.
  'needs-info': ['new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'duplicate', 'not-applicable', 'spam'],
  // Reopen paths: a closed decision can be revisited, a published disclosure cannot.
  duplicate: ['acknowledged'],
  'not-applicable': ['acknowledged'],
  spam: ['new'],
  closed: ['triaged'],
  disclosed: [],
};

/** Human labels, shared by staff and reporter views. */
export const STATE_LABELS: Readonly<Record<ReportState, string>> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  triaged: 'Triaged',
  fixing: 'Fix in progress',
  fixed: 'Fixed',
  disclosed: 'Disclosed',
  'needs-info': 'Waiting for reporter',
  duplicate: 'Duplicate',
  'not-applicable': 'Not applicable',
  spam: 'Spam',
  closed: 'Closed',
};

/** What the reporter is told each state means. */
export const STATE_EXPLANATIONS: Readonly<Record<ReportState, string>> = {
  new: 'We have received your report and will evaluate it.',
  acknowledged: 'We have evaluated your report and sent you our evaluation and an expected resolution date.',
  triaged: 'We have confirmed the issue and accepted it for a fix.',
  fixing: 'A fix is being worked on.',
  fixed: 'The issue is fixed. We will agree the disclosure with you.',
  disclosed: 'The issue has been publicly disclosed.',
  'needs-info': 'We need more information from you. Please reply below.',
  duplicate: 'This issue had already been reported to us.',
  'not-applicable': 'We concluded that this report does not describe a vulnerability we can act on.',
  spam: 'This report was closed.',
  closed: 'This report is closed.',
};

/**
 * What the reporter is told the state means, true to what happened: an
 * acknowledgement claims an evaluation only when one was sent (a program that
 * promises only a reply may acknowledge without one).
 */
export function stateExplanation(state: ReportState, evaluationSent: boolean): string {
  if (state === 'acknowledged' && !evaluationSent) return 'We have received your report and are looking into it.';
  return STATE_EXPLANATIONS[state];
}

/** Resolved: the vulnerability was dealt with; its reporter may appear on the thanks page. */
export const RESOLVED_STATES: readonly ReportState[] = ['fixed', 'disclosed', 'closed'];

/** Open means the team still owes work on it. */
export const OPEN_STATES: readonly ReportState[] = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'needs-info'];

export function isReportState(value: unknown): value is ReportState {
  return typeof value === 'string' && (REPORT_STATES as readonly string[]).includes(value);
}

export function isResumableState(value: ReportState): value is ResumableState {
  return (RESUMABLE_STATES as readonly string[]).includes(value);
}

/** The states a report may move to from `from`. */
export function nextStates(from: ReportState): readonly ReportState[] {
  return TRANSITIONS[from];
}

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

/** Whether `from` → `to` is allowed, with a sentence a person can act on when it is not. */
export function checkTransition(from: ReportState, to: ReportState): TransitionCheck {
  if (from === to) return { ok: false, reason: `The report is already ${STATE_LABELS[to].toLowerCase()}.` };
  if (TRANSITIONS[from].includes(to)) return { ok: true };
  const allowed = TRANSITIONS[from].map((s) => STATE_LABELS[s].toLowerCase());
  return {
    ok: false,
    reason: allowed.length
      ? `A report that is ${STATE_LABELS[from].toLowerCase()} cannot become ${STATE_LABELS[to].toLowerCase()}; it can become: ${allowed.join(', ')}.`
      : `A report that is ${STATE_LABELS[from].toLowerCase()} cannot change state.`,
  };
}

/** Reporters are told of every state change except a spam verdict (no reply is sent to spam). */
export function isReporterVisibleState(to: ReportState): boolean {
  return to !== 'spam';
}

/**
 * What a program promises as its first response: its evaluation of the report
 * with an expected resolution date, or only a reply (program setting
 * `sla.firstResponse`).
 */
export const FIRST_RESPONSE_PROMISES = ['evaluation-and-date', 'reply'] as const;
export type FirstResponsePromise = (typeof FIRST_RESPONSE_PROMISES)[number];

/** States that say the team has accepted the report and answered it. */
const ACCEPTED_STATES: readonly ReportState[] = ['acknowledged', 'triaged', 'fixing', 'fixed'];

/**
 * A report the team has not accepted yet: new, waiting on the reporter since it
 * was new, or closed by a verdict (which a reopening can revisit). Such a
 * report is acknowledged with an evaluation (src/triage/acknowledge-with-evaluation.ts).
 */
export function isUnanswered(state: ReportState, resumeState: ReportState | null): boolean {
  return state === 'new' || state === 'duplicate' || state === 'not-applicable' || (state === 'needs-info' && (resumeState ?? 'new') === 'new');
}

/**
 * Why a report may not be accepted yet, or undefined when it may: where the
 * program promises an evaluation and a date, a report that has not had them
 * (new, waiting on the reporter since it was new, or reopened from a verdict)
 * is accepted only by sending them, so "acknowledged" never claims an
 * evaluation that was not sent. Reports accepted before keep moving freely.
 */
export function acceptanceProblem(args: {
  from: ReportState;
  to: ReportState;
  /** For a report waiting on the reporter: the state it waits in. */
  resumeState: ReportState | null;
  promise: FirstResponsePromise;
  evaluationSent: boolean;
}): string | undefined {
  if (args.promise !== 'evaluation-and-date' || args.evaluationSent || !ACCEPTED_STATES.includes(args.to)) return undefined;
  if (!isUnanswered(args.from, args.resumeState)) return undefined;
  return (
    'This program promises the reporter an evaluation and an expected resolution date: ' +
    'acknowledge the report by sending them (the Evaluation panel of the report, or the API’s evaluation and expectedResolutionDate fields).'
  );
}

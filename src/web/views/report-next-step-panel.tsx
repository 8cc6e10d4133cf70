import type { ComponentChildren } from 'preact';
import type { Report } from '../../db/schema.ts';
import { STATE_LABELS, isUnanswered, type ReportState } from '../../domain/lifecycle.ts';

/** What the report needs next, by state; the page puts the matching panels first and the rest in groups. */
export type NextStep = 'evaluate' | 'triage' | 'disclose' | 'waiting' | 'closed' | 'read-only';

/** The panels the next step shows at the top; the groups leave them out so no form appears twice. */
export const STEP_PANELS: Readonly<Record<NextStep, readonly ('evaluation' | 'severity' | 'disclosure' | 'advisory')[]>> = {
  evaluate: ['evaluation'],
  triage: ['severity', 'evaluation'],
  disclose: ['advisory', 'disclosure'],
  waiting: [],
  closed: [],
  'read-only': [],
};

const CLOSED: readonly ReportState[] = ['duplicate', 'not-applicable', 'spam', 'closed', 'disclosed'];

/** What the report needs next: the team's role, then its state and whether the promised evaluation was sent. */
export function nextStepFor(report: Report, canEdit: boolean): NextStep {
  if (!canEdit) return 'read-only';
  // A verdict can be revisited (with an evaluation, in the Evaluation group), but nothing is owed on it.
  if (CLOSED.includes(report.state)) return 'closed';
  // The same rule as the Evaluation panel's acknowledge form (src/web/views/report-triage-panel.tsx).
  if (!report.expected_resolution_date && isUnanswered(report.state, report.resume_state)) return 'evaluate';
  switch (report.state) {
    case 'needs-info':
      return 'waiting';
    case 'new':
    case 'acknowledged':
    case 'triaged':
    case 'fixing':
      return 'triage';
    case 'fixed':
      return 'disclose';
    default:
      return 'closed';
  }
}

const TITLES: Record<NextStep, string> = {
  evaluate: 'Evaluate and acknowledge',
  triage: 'Severity and fix date',
  disclose: 'Advisory and disclosure',
  waiting: 'Waiting for the reporter',
  closed: 'Nothing left to do',
  'read-only': 'Read only',
};

function lead(step: NextStep, report: Report): ComponentChildren {
  switch (step) {
    case 'evaluate':
      return (
        <>
          Send the reporter your evaluation and the date you expect to resolve it: that keeps the first-response promise. Not a vulnerability?{' '}
          <a href="#close-h">Close it</a>. Reported before? <a href="#duplicates-h">Mark the duplicate</a>.
        </>
      );
    case 'triage':
      return (
        <>
          Score it, name the weakness and keep the expected resolution date true; then move it on with{' '}
          <a href="#status-h">Status</a>
          {report.state === 'acknowledged' ? ' (Triaged once confirmed).' : report.state === 'fixing' ? ' (Fixed once released).' : ' (Fix in progress).'}
        </>
      );
    case 'disclose':
      return 'Agree the disclosure date with the reporter and publish the advisory with their credit.';
    case 'waiting':
      return (
        <>
          Their reply brings the report back to {STATE_LABELS[report.resume_state ?? 'new'].toLowerCase()}. <a href="#write-h">Write to them</a> or
          change the status yourself.
        </>
      );
    case 'closed':
      return isUnanswered(report.state, report.resume_state) && !report.expected_resolution_date ? (
        <>This report is closed as {STATE_LABELS[report.state].toLowerCase()}. To reopen it, <a href="#evaluation">send an evaluation</a>.</>
      ) : (
        <>This report is {STATE_LABELS[report.state].toLowerCase()}. Reopen it with <a href="#status-h">Status</a> if needed.</>
      );
    default:
      return 'Your role can read this report but not change it.';
  }
}

/** The card at the top of the main column: what to do now, and the forms that do it. */
export function NextStepPanel(props: { step: NextStep; report: Report; children?: ComponentChildren }) {
  return (
    <section class={`next-step next-step-${props.step}`} aria-labelledby="next-step-h">
      <p class="next-step-kicker">{props.step === 'closed' || props.step === 'read-only' ? 'Status' : 'Next step'}</p>
      <h2 id="next-step-h">{TITLES[props.step]}</h2>
      <p class="next-step-lead">{lead(props.step, props.report)}</p>
      {props.children}
    </section>
  );
}

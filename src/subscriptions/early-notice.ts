import type { Severity } from '../db/schema.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import type { ProgramConfig } from '../programs/program-config.ts';

const RANK: Readonly<Record<Severity, number>> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
/** States in which the fix is still ahead: a fixed, disclosed or closed report needs no early notice. */
const OPEN_STATES: readonly ReportState[] = ['new', 'acknowledged', 'triaged', 'fixing', 'needs-info'];
const HOUR = 3_600_000;

export interface EarlyNoticeInput {
  /** The program's `earlyCustomerNotice`; absent: customers hear only after the fix. */
  rule: ProgramConfig['earlyCustomerNotice'];
  state: ReportState;
  /** The team's severity; unknown severity recommends nothing. */
  severity: Severity | null;
  /** YYYY-MM-DD, as promised to the reporter; the fix is expected by the end of that day (UTC). */
  expectedResolutionDate: string | null;
  /** An advisory (draft or published) exists: the team is already on it. */
  hasAdvisory: boolean;
  now: Date;
}

/**
 * The policy's "we tell customers early if the fix is far and the risk high":
 * a recommendation (never an automatic publication) to draft an early
 * advisory with mitigations. Returns the sentence for the report page, or undefined.
 */
export function earlyNoticeRecommendation(input: EarlyNoticeInput): string | undefined {
  const { rule, severity, expectedResolutionDate: date } = input;
  if (!rule || input.hasAdvisory || !OPEN_STATES.includes(input.state) || !severity || !date) return undefined;
  if (RANK[severity] < RANK[rule.minSeverity]) return undefined;
  const due = Date.parse(`${date}T00:00:00Z`) + 24 * HOUR;
  if (Number.isNaN(due)) return undefined;
  const hoursAway = (due - input.now.getTime()) / HOUR;
  if (hoursAway <= rule.fixExpectedBeyondHours) return undefined;
  return (
    `Early customer notice recommended: severity ${severity} (at least ${rule.minSeverity}) and the fix is expected by ${date}, ` +
    `more than ${rule.fixExpectedBeyondHours} hours away. The policy promises affected customers an early notice with mitigations; ` +
    'draft an advisory and publish it when the team agrees.'
  );
}

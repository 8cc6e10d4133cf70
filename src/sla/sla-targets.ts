import { z } from 'zod';
import { FIRST_RESPONSE_PROMISES } from '../domain/lifecycle.ts';

/** The team's severity of a report; drives the remediation target. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type Severity = (typeof SEVERITIES)[number];

const days = (max: number) => z.number().int().min(1).max(max);

/**
 * A program's response-time promises, as the operator writes them under `sla`
 * in the program config. Only `firstResponseBusinessDays` is required (what
 * existing configs already give); a target left out means no clock for it,
 * because a clock the program never promised would only be noise.
 *
 * ```json
 * "sla": {
 *   "firstResponseBusinessDays": 3,
 *   "firstResponse": "evaluation-and-date",
 *   "triageBusinessDays": 10,
 *   "remediationDays": { "critical": 7, "high": 30, "medium": 90, "low": 180 },
 *   "noUpdateNudgeDays": 14,
 *   "nearBreach": { "fractionLeft": 0.25 }
 * }
 * ```
 */
export const slaTargetsSchema = z.object({
  /** Send the first response (see firstResponse) within this many business days of receipt. */
  firstResponseBusinessDays: days(60),
  /**
   * What the first response is: "evaluation-and-date" (the team's evaluation and an expected
   * resolution date, the Dutch CVD template's promise, and the default) or "reply" (any answer
   * to the reporter). It decides what keeps the first-response clock, whether a report can be
   * acknowledged without an evaluation, and what the public pages promise.
   */
  firstResponse: z.enum(FIRST_RESPONSE_PROMISES).default('evaluation-and-date'),
  /** Decide (triaged, duplicate, not applicable or spam) within this many business days of receipt. */
  triageBusinessDays: days(120).optional(),
  /** Fix within this many calendar days of triage, by the team's severity; severities left out have no target. */
  remediationDays: z
    .object({ critical: days(3660), high: days(3660), medium: days(3660), low: days(3660) })
    .partial()
    .optional(),
  /** Nudge when the reporter has heard nothing from the team for this many calendar days. */
  noUpdateNudgeDays: days(365).optional(),
  /**
   * When a running clock counts as near breach: when at most this fraction of its
   * time is left, or at most this many hours (business hours for business-day clocks).
   */
  nearBreach: z
    .union([
      z.object({ fractionLeft: z.number().gt(0).lt(1) }).strict(),
      z.object({ hoursLeft: z.number().positive().max(24 * 365) }).strict(),
    ])
    .default({ fractionLeft: 0.25 }),
});

export type SlaTargets = z.infer<typeof slaTargetsSchema>;
export type SlaTargetsInput = z.input<typeof slaTargetsSchema>;

/** Severity from a CVSS qualitative rating (None/Low/Medium/High/Critical). */
export function severityFromCvssRating(rating: 'None' | 'Low' | 'Medium' | 'High' | 'Critical'): Severity {
  return rating.toLowerCase() as Severity;
}

import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Report } from '../db/schema.ts';
import { checkCvssVector } from '../domain/cvss.ts';
import { isReportState, type ReportState } from '../domain/lifecycle.ts';
import { VULNERABILITY_TYPES, type VulnerabilityType } from '../domain/report-input.ts';
import type { Program } from '../programs/programs.ts';
import { loadReportClocks } from '../sla/report-clocks.ts';
import type { SlaClock } from '../sla/sla-clocks.ts';
import { findCwe, searchCwe, suggestedCwes, type Cwe } from './cwe.ts';
import { findLikelyDuplicates, type DuplicateCandidate } from './find-likely-duplicates.ts';
import { listSubmissionSuggestions, type SubmissionSuggestion } from './duplicate-suggestions.ts';

/** What staff typed into a triage form that was refused, to show it again with the messages. */
export interface TriageFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

export interface TriageView {
  now: Date;
  timeZone: string;
  clocks: SlaClock[];
  reporterCvss: { vector: string; score: number | null; problem: string | null } | null;
  /** `secondVector`: the team's vector of the other CVSS version, kept for the advisory. */
  team: { vector: string; score: string; severity: string; secondVector: string | null } | null;
  cwe: Cwe | null;
  cweSuggestions: Cwe[];
  cweSearch: { query: string; results: Cwe[] } | null;
  duplicates: DuplicateCandidate[];
  /** Likely duplicates recorded when the report was submitted. */
  suggestedAtSubmission: SubmissionSuggestion[];
  /** The original, when this report is marked as a duplicate. */
  original: { reference: string; state: ReportState } | null;
  /** Reports marked as duplicates of this one. */
  duplicatesOfThis: { reference: string; createdAt: Date }[];
  form: TriageFormState;
}

/** Everything the triage panels of the staff report page show, read in one place. */
export async function loadTriageView(
  db: Db,
  vault: ReportVault,
  report: Report,
  program: Program,
  options: { query?: Record<string, unknown>; form?: TriageFormState; now?: Date; readerId?: string | null } = {},
): Promise<TriageView> {
  const now = options.now ?? new Date();
  const cweq = typeof options.query?.cweq === 'string' ? options.query.cweq.trim().slice(0, 100) : '';
  const [loaded, duplicates, original, dups, suggestedAtSubmission] = await Promise.all([
    loadReportClocks(db, report.id, now),
    // A report already marked as a duplicate needs no suggestions.
    report.duplicate_of
      ? Promise.resolve([])
      : findLikelyDuplicates(db, vault, { programId: report.program_id, title: report.title, description: report.description, product: report.product, excludeReportId: report.id, readerId: options.readerId ?? null }),
    report.duplicate_of ? db.selectFrom('reports').select(['reference', 'state']).where('id', '=', report.duplicate_of).executeTakeFirst() : undefined,
    db.selectFrom('reports').select(['reference', 'created_at']).where('duplicate_of', '=', report.id).orderBy('created_at').execute(),
    listSubmissionSuggestions(db, report.id, options.readerId ?? null),
  ]);
  const reporter = report.reporter_cvss_vector ? checkCvssVector(report.reporter_cvss_vector) : null;
  return {
    now,
    timeZone: loaded?.sla.calendar.timeZone ?? program.config.calendar.timeZone,
    clocks: loaded?.clocks ?? [],
    reporterCvss: report.reporter_cvss_vector
      ? { vector: report.reporter_cvss_vector, score: reporter?.ok ? reporter.score : null, problem: reporter && !reporter.ok ? reporter.message : null }
      : null,
    team: report.team_cvss_vector && report.team_cvss_score !== null && report.severity
      ? { vector: report.team_cvss_vector, score: Number(report.team_cvss_score).toFixed(1), severity: report.severity, secondVector: report.team_cvss_second_vector }
      : null,
    cwe: report.cwe_id ? (findCwe(report.cwe_id) ?? null) : null,
    cweSuggestions: VULNERABILITY_TYPES.some(([id]) => id === report.vulnerability_type) ? suggestedCwes(report.vulnerability_type as VulnerabilityType) : [],
    cweSearch: cweq ? { query: cweq, results: searchCwe(cweq, 10) } : null,
    duplicates,
    suggestedAtSubmission,
    original: original && isReportState(original.state) ? { reference: original.reference, state: original.state } : null,
    duplicatesOfThis: dups.map((d) => ({ reference: d.reference, createdAt: d.created_at })),
    form: options.form ?? { values: {}, errors: {} },
  };
}

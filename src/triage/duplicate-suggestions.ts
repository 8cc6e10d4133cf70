import { sql, type RawBuilder } from 'kysely';
import { can, type StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { findLikelyDuplicates } from './find-likely-duplicates.ts';
import { readableBySql, requireReadable } from '../reports/restricted-access.ts';
import { openReport } from '../reports/report-contents.ts';

/**
 * Below this, a "best candidate" is only the least unrelated report: the
 * relative overlap alone gives the best one 0.2 and a shared product 0.15,
 * so a hint needs real shared wording (coverage and title words) on top.
 */
export const SUGGESTION_MIN_SCORE = 0.55;
const MAX_SUGGESTIONS = 3;

/** Whether a ranked candidate is worth a "likely duplicate" (the report page shows the others apart, as merely similar). */
export function isLikelyDuplicate(candidate: { score: number }): boolean {
  return candidate.score >= SUGGESTION_MIN_SCORE;
}
/** Candidates ranked for a new report's flag: every submission pays for them (in its follow-up job). */
const SUBMISSION_CANDIDATES = 300;

/**
 * Records the likely duplicates of a newly submitted report, so the inbox can flag it before
 * anyone opens it. It runs after the submission's commit, in the job that follows every
 * submission (the team notice, src/team-notices/team-jobs.ts), on every channel alike: the
 * search is the costliest part of a submission (the blind-index candidates and their ranking), and
 * a reporter's receipt does not wait for it. Only reports older than the new one count, as if it
 * had run at submission. Running it again (a retried job) records nothing twice.
 */
export async function recordSubmissionDuplicates(db: Db, vault: ReportVault, reportId: string): Promise<number> {
  const row = await db.selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirst();
  if (!row) return 0;
  const report = openReport(vault, row);
  const found = await findLikelyDuplicates(db, vault, {
    programId: row.program_id,
    title: report.title,
    description: report.description,
    product: row.product,
    excludeReportId: row.id,
    createdBefore: row.created_at,
    limit: MAX_SUGGESTIONS,
    // The report page ranks more when it is opened; for the inbox's flag a hint among the recent ones is enough.
    candidates: SUBMISSION_CANDIDATES,
  });
  const rows = found
    .filter(isLikelyDuplicate)
    // Stored in clear, so without the shared words: they are words of sealed report text (the report page ranks live and shows them).
    .map((c) => ({ report_id: row.id, candidate_id: c.reportId, score: Math.min(c.score, 1), reason: c.reason.replace(/;?\s*shares: .*$/s, '').slice(0, 500) || 'similar wording' }));
  if (rows.length) await db.insertInto('duplicate_suggestions').values(rows).onConflict((oc) => oc.columns(['report_id', 'candidate_id']).doNothing()).execute();
  return rows.length;
}

/** recordSubmissionDuplicates for the report of a `submitted` event; other events (a release from the quarantine) record nothing. */
export async function recordDuplicatesOfSubmission(db: Db, vault: ReportVault, eventId: string): Promise<number> {
  const event = await db.selectFrom('report_events').select(['type', 'report_id']).where('id', '=', eventId).executeTakeFirst();
  return event?.type === 'submitted' ? recordSubmissionDuplicates(db, vault, event.report_id) : 0;
}

export interface SubmissionSuggestion {
  reference: string;
  score: number;
  reason: string;
}

/**
 * A hint recorded at submission still stands while its report is not marked
 * as a duplicate and its candidate is neither spam, nor in the quarantine,
 * nor already linked to the report; a dismissed hint is deleted. Given the
 * aliases of the report and of the candidate.
 */
function hintStands(report: string, candidate: string): RawBuilder<boolean> {
  const [r, c] = [(col: string) => sql.ref(`${report}.${col}`), (col: string) => sql.ref(`${candidate}.${col}`)];
  return sql<boolean>`(${r('duplicate_of')} IS NULL AND ${c('state')} <> 'spam' AND NOT ${c('quarantined')} AND ${c('duplicate_of')} IS DISTINCT FROM ${r('id')})`;
}

/**
 * SQL for "this report shows the possible-duplicate badge", for a list whose
 * reports table has the given alias (the inbox, the API's list): the same
 * rule as the report page's hints (listSubmissionSuggestions). Served by the
 * suggestions' primary key (report_id, candidate_id).
 */
export function possibleDuplicateSql(reportAlias: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM duplicate_suggestions hint_s JOIN reports hint_c ON hint_c.id = hint_s.candidate_id
    WHERE hint_s.report_id = ${sql.ref(`${reportAlias}.id`)} AND ${hintStands(reportAlias, 'hint_c')})`;
}

/**
 * Dismisses the hints recorded for a report at submission ("not a
 * duplicate"): the badge and the panel's hint go. Whoever may change the
 * report may do it; a report the actor may not see is "not found".
 */
export async function dismissDuplicateHints(db: Db, args: { actor: StaffActor; reference: string }): Promise<{ reference: string; dismissed: number }> {
  const report = await db.selectFrom('reports').select(['id', 'program_id', 'reference', 'restricted_to']).where('reference', '=', args.reference).executeTakeFirst();
  requireReadable(args.actor, report);
  if (!report) throw new NotFoundError('This report');
  if (!can.editReport(args.actor, report)) throw new AppError('forbidden', 403, 'Your role can read this report but not change it.');
  const deleted = await db.deleteFrom('duplicate_suggestions').where('report_id', '=', report.id).executeTakeFirst();
  return { reference: report.reference, dismissed: Number(deleted.numDeletedRows) };
}

/** The suggestions recorded at submission that still stand, best first, for the report page's duplicates panel. */
export async function listSubmissionSuggestions(db: Db, reportId: string, readerId: string | null = null): Promise<SubmissionSuggestion[]> {
  const rows = await db
    .selectFrom('duplicate_suggestions as s')
    .innerJoin('reports as r', 'r.id', 's.report_id')
    .innerJoin('reports as c', 'c.id', 's.candidate_id')
    .select(['c.reference', 's.score', 's.reason'])
    .where('s.report_id', '=', reportId)
    .where(hintStands('r', 'c'))
    // A restricted report the reader is not named on is not suggested: the pair would say what it is about.
    .where(readableBySql('c', readerId))
    .orderBy('s.score', 'desc')
    .orderBy('c.reference')
    .execute();
  return rows.map((r) => ({ reference: r.reference, score: Number(r.score), reason: r.reason }));
}

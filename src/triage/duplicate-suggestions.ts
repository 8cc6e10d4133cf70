import type { Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { findLikelyDuplicates } from './find-likely-duplicates.ts';

/**
 * Below this, a "best candidate" is only the least unrelated report: the
 * relative overlap alone gives the best one 0.2 and a shared product 0.15,
 * so a hint needs real shared wording (coverage and title words) on top.
 */
export const SUGGESTION_MIN_SCORE = 0.55;
const MAX_SUGGESTIONS = 3;
/** Candidates ranked at submission: every submission pays for them, on the embedded database one at a time. */
const SUBMISSION_CANDIDATES = 300;

/**
 * For the submission routes: looks for likely duplicates of a submission
 * before it is stored, and returns the `withinTransaction` step of
 * submitReport that records them, so the inbox can flag the report before
 * anyone opens it. The search runs outside the transaction: it is the
 * costliest read of a submission, and inside it would hold the report
 * numbering lock (one submission at a time) for its whole duration.
 */
export async function checkDuplicatesAtSubmission(
  db: Db,
  vault: ReportVault,
  args: { programId: string; input: { title: string; description: string; product: string } },
): Promise<(trx: Transaction<Database>, created: { id: string }) => Promise<void>> {
  const found = await findLikelyDuplicates(db, vault, {
    programId: args.programId,
    title: args.input.title,
    description: args.input.description,
    product: args.input.product,
    limit: MAX_SUGGESTIONS,
    // The report page ranks more when it is opened; at submission a hint among the recent ones is enough.
    candidates: SUBMISSION_CANDIDATES,
  });
  const suggestions = found.filter((c) => c.score >= SUGGESTION_MIN_SCORE);
  return async (trx, created) => {
    const rows = suggestions
      .filter((c) => c.reportId !== created.id)
      // Stored in clear, so without the shared words: they are words of sealed report text (the report page ranks live and shows them).
      .map((c) => ({ report_id: created.id, candidate_id: c.reportId, score: Math.min(c.score, 1), reason: c.reason.replace(/;?\s*shares: .*$/s, '').slice(0, 500) || 'similar wording' }));
    if (rows.length) await trx.insertInto('duplicate_suggestions').values(rows).execute();
  };
}

/** Runs two `withinTransaction` steps in order (spam screening, then this check). */
export function bothSteps<T, C>(
  first: (trx: T, created: C) => Promise<void>,
  second: (trx: T, created: C) => Promise<void>,
): (trx: T, created: C) => Promise<void> {
  return async (trx, created) => {
    await first(trx, created);
    await second(trx, created);
  };
}

export interface SubmissionSuggestion {
  reference: string;
  score: number;
  reason: string;
}

/** The suggestions recorded at submission, best first, for the report page's duplicates panel. */
export async function listSubmissionSuggestions(db: Db, reportId: string): Promise<SubmissionSuggestion[]> {
  const rows = await db
    .selectFrom('duplicate_suggestions as s')
    .innerJoin('reports as c', 'c.id', 's.candidate_id')
    .select(['c.reference', 's.score', 's.reason'])
    .where('s.report_id', '=', reportId)
    .orderBy('s.score', 'desc')
    .orderBy('c.reference')
    .execute();
  return rows.map((r) => ({ reference: r.reference, score: Number(r.score), reason: r.reason }));
}

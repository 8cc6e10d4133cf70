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

/**
 * For the submission routes: the `withinTransaction` step of submitReport
 * that looks for likely duplicates of the new report and records them, so
 * the inbox can flag it before anyone opens it. In the transaction so the
 * hint exists as soon as the report does; the query only reads the blind index.
 */
export function checkDuplicatesAtSubmission(
  vault: ReportVault,
  args: { programId: string; input: { title: string; description: string; product: string } },
): (trx: Transaction<Database>, created: { id: string }) => Promise<void> {
  return async (trx, created) => {
    const found = await findLikelyDuplicates(trx, vault, {
      programId: args.programId,
      title: args.input.title,
      description: args.input.description,
      product: args.input.product,
      excludeReportId: created.id,
      limit: MAX_SUGGESTIONS,
    });
    const rows = found
      .filter((c) => c.score >= SUGGESTION_MIN_SCORE)
      .map((c) => ({ report_id: created.id, candidate_id: c.reportId, score: Math.min(c.score, 1), reason: c.reason.slice(0, 500) }));
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

import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * Trigram similarity (pg_trgm) from which a submission counts as a copy of a
 * published advisory. Tuned on test/spam/advisory-similarity.test.ts: honest
 * new reports about the same product score about 0.2–0.25, a reworded advisory about 0.6, one
 * pasted with a sentence around it about 0.85.
 */
export const ADVISORY_COPY_THRESHOLD = 0.45;

export interface AdvisoryMatch {
  publicId: string;
  /** 0–1, pg_trgm similarity of the submission's title and description with the advisory's text. */
  similarity: number;
}

/**
 * The published advisory of the program a submission most resembles, when it
 * resembles one closely: the classic low-effort report re-sends a public
 * advisory as a "new finding". Published advisories are public, so their text
 * is stored in clear and compared in SQL; the submission's text is only a
 * query parameter, never stored.
 */
export async function findCopiedAdvisory(db: Db, programId: string, text: string): Promise<AdvisoryMatch | undefined> {
  const query = copiedAdvisoryQuery(db, programId, text);
  return query ? copiedAdvisoryOf(await query.executeTakeFirst()) : undefined;
}

/**
 * findCopiedAdvisory's query, for a caller that asks it in one round trip with other checks
 * (assessSubmission); undefined when the text is too short to compare.
 */
export function copiedAdvisoryQuery(db: Db, programId: string, text: string) {
  const probe = text.slice(0, 20_000);
  if (probe.trim().length < 40) return undefined;
  return (
    db
      .selectFrom('advisories')
      .select(['public_id', sql<number>`similarity(search_text, ${probe})`.as('sim')])
      .where('program_id', '=', programId)
      .where('state', '=', 'published')
      // pg_trgm's % (similarity above pg_trgm.similarity_threshold, 0.3 by default) lets the GIN index
      // advisories_search_trgm pick the candidates; the threshold below is higher.
      .where(sql<boolean>`search_text % ${probe}`)
      .orderBy('sim', 'desc')
      .limit(1)
  );
}

/** What copiedAdvisoryQuery's row means: a match when it is close enough. */
export function copiedAdvisoryOf(row: { public_id: string | null; sim: number | string } | undefined | null): AdvisoryMatch | undefined {
  // Published advisories always have their public number; the check keeps the type honest.
  if (!row?.public_id || Number(row.sim) < ADVISORY_COPY_THRESHOLD) return undefined;
  return { publicId: row.public_id, similarity: Math.round(Number(row.sim) * 100) / 100 };
}

import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ReportState } from '../domain/lifecycle.ts';

export interface DuplicateQuery {
  programId: string;
  title: string;
  description: string;
  /** Product id of the new report; "other" never counts as the same product. */
  product: string;
  /** The report being looked at, so it does not find itself. */
  excludeReportId?: string;
  limit?: number;
}

export interface DuplicateCandidate {
  reportId: string;
  reference: string;
  title: string;
  product: string;
  state: ReportState;
  createdAt: Date;
  /** 0–1; comparable within one query, not across queries (the text rank is relative to the query's best). */
  score: number;
  /** Why it was suggested, e.g. "same product; title 72% similar; shares: overflow, parser". */
  reason: string;
  signals: { textRank: number; titleSimilarity: number; descriptionSimilarity: number; sameProduct: boolean; sharedTerms: string[] };
}

// How much of the new report's text the query uses: enough to find the topic, bounded cost.
const DESCRIPTION_PREFIX = 1000;

/**
 * Weights of the score. Full-text rank finds reports about the same things in
 * other words (stems, any field) and carries most weight; trigram similarity
 * of titles catches the same summary written slightly differently (typos,
 * word order); the start of the description is where reporters name the
 * component, but trigrams of long texts are noisy; the product is a strong
 * hint, yet decoys share it, so it only boosts; a report filed under "other"
 * may be about the same product and gets a smaller boost than a match, while a
 * different known product gets none.
 */
const W = { text: 0.55, title: 0.2, description: 0.1, product: 0.15, productUnknown: 0.05 } as const;

/**
 * Existing reports of the program most likely to describe the same problem,
 * best first. Candidates match the full-text query (any significant word of
 * the title or description start) or have a trigram-similar title; spam is
 * never suggested. Served by reports_search (GIN on `search`) and
 * reports_title_trgm (GIN trigram on `title`).
 */
export async function findLikelyDuplicates(db: Db, q: DuplicateQuery): Promise<DuplicateCandidate[]> {
  const descriptionPrefix = q.description.slice(0, DESCRIPTION_PREFIX);
  // The product's own words ("gateway") are in most reports about it; the product signal
  // covers them, and in the text query they would rank every same-product report alike.
  const text = withoutWords(`${q.title} ${descriptionPrefix}`, q.product === 'other' ? [] : q.product.split('-'));
  const limit = Math.min(Math.max(q.limit ?? 5, 1), 50);
  // plainto_tsquery gives 'a' & 'b' & …; any shared significant word should count, so the
  // ANDs become ORs (the lexemes in its text form are quoted, which keeps this safe).
  const result = await sql<{
    id: string; reference: string; title: string; product: string; state: ReportState; created_at: Date;
    text_rank: number; title_sim: number; desc_sim: number; same_product: boolean; shared: string[]; score: number;
  }>`
    WITH q AS (
      SELECT replace(plainto_tsquery('english', ${text})::text, ' & ', ' | ')::tsquery AS query,
             tsvector_to_array(to_tsvector('english', ${text})) AS lexemes
    ), c AS (
      SELECT r.id, r.reference, r.title, r.product, r.state, r.created_at, r.search,
             -- normalisation 32 maps the rank into [0, 1): rank / (rank + 1)
             ts_rank(r.search, q.query, 32)::float8 AS text_rank,
             similarity(r.title, ${q.title})::float8 AS title_sim,
             similarity(left(r.description, ${DESCRIPTION_PREFIX}), ${descriptionPrefix})::float8 AS desc_sim,
             (r.product = ${q.product} AND ${q.product} <> 'other') AS same_product,
             (r.product = 'other' OR ${q.product} = 'other') AS unknown_product
      FROM reports r, q
      WHERE r.program_id = ${q.programId}
        AND r.state <> 'spam'
        AND r.id <> ${q.excludeReportId ?? '00000000-0000-0000-0000-000000000000'}
        AND (r.search @@ q.query OR r.title % ${q.title})
    ), s AS (
      -- ts_rank of an OR query shrinks as the query grows; relative to the best candidate it weighs alike for any query
      SELECT c.*, coalesce(c.text_rank / nullif(max(c.text_rank) OVER (), 0), 0) AS rel_text FROM c
    ), sh AS (
      -- query words each candidate contains; every report containing one is a candidate,
      -- so counting them here gives each word's document frequency in the program
      SELECT c.id, u.lexeme, CASE WHEN 'A' = ANY (u.weights) THEN 0 WHEN 'B' = ANY (u.weights) THEN 1 ELSE 2 END AS field
      FROM c, q, unnest(c.search) AS u
      WHERE u.lexeme = ANY (q.lexemes)
    ), df AS (
      SELECT lexeme, count(*) AS n FROM sh GROUP BY lexeme
    )
    SELECT c.id, c.reference, c.title, c.product, c.state, c.created_at, c.text_rank, c.title_sim, c.desc_sim, c.same_product,
           -- shared words: those in its title first, then the rarest (most telling) in the program
           ARRAY(
             SELECT sh.lexeme FROM sh JOIN df USING (lexeme)
             WHERE sh.id = c.id
             ORDER BY sh.field, df.n, length(sh.lexeme) DESC, sh.lexeme
             LIMIT 12
           ) AS shared,
           (${sql.lit(W.text)} * c.rel_text + ${sql.lit(W.title)} * c.title_sim + ${sql.lit(W.description)} * c.desc_sim
             + CASE WHEN c.same_product THEN ${sql.lit(W.product)} WHEN c.unknown_product THEN ${sql.lit(W.productUnknown)} ELSE 0 END)::float8 AS score
    FROM s AS c
    ORDER BY score DESC, c.created_at ASC
    LIMIT ${limit}`.execute(db);

  return result.rows.map((r) => {
    const sharedTerms = readableTerms(r.shared, text, r.product, r.reference);
    const signals = { textRank: r.text_rank, titleSimilarity: r.title_sim, descriptionSimilarity: r.desc_sim, sameProduct: r.same_product, sharedTerms };
    return {
      reportId: r.id, reference: r.reference, title: r.title, product: r.product, state: r.state, createdAt: r.created_at,
      score: Math.round(r.score * 1000) / 1000, reason: describe(signals), signals,
    };
  });
}

/** "same product; title 72% similar; description 40% similar; shares: overflow, parser". */
export function describe(s: DuplicateCandidate['signals']): string {
  const parts: string[] = [];
  if (s.sameProduct) parts.push('same product');
  if (s.titleSimilarity >= 0.3) parts.push(`title ${Math.round(s.titleSimilarity * 100)}% similar`);
  if (s.descriptionSimilarity >= 0.3) parts.push(`description ${Math.round(s.descriptionSimilarity * 100)}% similar`);
  if (s.sharedTerms.length) parts.push(`shares: ${s.sharedTerms.join(', ')}`);
  return parts.length ? parts.join('; ') : 'similar wording';
}

function withoutWords(text: string, words: readonly string[]): string {
  const drop = new Set(words.map((w) => w.toLowerCase()).filter((w) => w.length > 0));
  return drop.size ? text.replace(/[\p{L}\p{N}]+/gu, (w) => (drop.has(w.toLowerCase()) ? ' ' : w)) : text;
}

/**
 * Stems read oddly ("authent", "everi"), so each shared stem is shown as the
 * shortest word of the new report it came from; a stem no word begins with
 * (the stemmer turned y into i) is matched without its last letter. Product
 * and reference words are left out: the product is said separately.
 */
function readableTerms(stems: readonly string[], text: string, product: string, reference: string): string[] {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+(?:[./_-][\p{L}\p{N}]+)*/gu) ?? []).sort((a, b) => a.length - b.length);
  const skip = new Set([...product.toLowerCase().split(/[^a-z0-9]+/), ...reference.toLowerCase().split('-')]);
  const out: string[] = [];
  for (const stem of stems) {
    if (skip.has(stem) || stem.length < 3 || /^\d+$/.test(stem)) continue;
    const word = words.find((w) => w.startsWith(stem)) ?? (stem.endsWith('i') ? words.find((w) => w.startsWith(stem.slice(0, -1))) : undefined);
    if (word && !out.includes(word)) out.push(word);
    if (out.length === 5) break;
  }
  return out;
}

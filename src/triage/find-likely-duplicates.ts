import { sql } from 'kysely';
import { indexWords, type ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import { openTitle } from '../reports/report-contents.ts';
import { readableBySql } from '../reports/restricted-access.ts';

export interface DuplicateQuery {
  programId: string;
  title: string;
  description: string;
  /** Product id of the new report; "other" never counts as the same product. */
  product: string;
  /** The report being looked at, so it does not find itself. */
  excludeReportId?: string;
  /** Only reports received before this moment (a new report's own receipt time: what existed when it came in). */
  createdBefore?: Date;
  limit?: number;
  /** How many of the newest candidates to rank (default MAX_CANDIDATES); submissions ask for fewer, to stay quick. */
  candidates?: number;
  /** Who will see the candidates: restricted reports they are not named on are never suggested (nor ranked). Null: no one in particular (at submission): no restricted report. */
  readerId?: string | null;
}

export interface DuplicateCandidate {
  reportId: string;
  reference: string;
  title: string;
  product: string;
  state: ReportState;
  createdAt: Date;
  /** 0–1; comparable within one query, not across queries (the overlap is relative to the query's best). */
  score: number;
  /** Why it was suggested, e.g. "same product; 4 of 5 title words; shares: hpack, header, overflow". */
  reason: string;
  signals: { coverage: number; titleCoverage: number; overlap: number; sameProduct: boolean; sharedTerms: string[] };
}

// How much of the new report's text the query uses: enough to find the topic, bounded cost.
const DESCRIPTION_PREFIX = 1000;
/**
 * The newest reports sharing a word that are ranked; see the query. Each
 * costs an array intersection in SQL (about 20 µs): 1,000 keep a search near
 * 25 ms at 100,000 reports, where the unbounded one took 1.7 s.
 */
const MAX_CANDIDATES = 1000;

/**
 * Reports per program, for the rarity weights only: an estimate a minute old
 * ranks the same, and counting 100,000 rows took 12 ms of every submission.
 * Per process; each process counts on its own.
 */
const counts = new Map<string, { n: number; at: number }>();
async function programReportCount(db: Db, programId: string): Promise<number> {
  const cached = counts.get(programId);
  if (cached && Date.now() - cached.at < 60_000) return cached.n;
  const row = await db.selectFrom('reports').select(sql<string>`count(*)`.as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
  const n = Number(row.n);
  if (counts.size > 100) counts.clear();
  counts.set(programId, { n, at: Date.now() });
  return n;
}

/**
 * Contents are sealed, so ranking works on the blind index alone: which exact
 * words (as keyed hashes) a candidate shares with the new report. Words are
 * weighted by rarity in the program (a shared "hpack" says more than a shared
 * "request"). Coverage of the new report's words carries most weight; its
 * title words are where reporters name the problem; the Jaccard overlap
 * (relative to the best candidate) favours reports about nothing else; the
 * product only boosts, since decoys share it, and "other" gets a smaller boost.
 */
const W = { coverage: 0.4, title: 0.25, overlap: 0.2, product: 0.15, productUnknown: 0.05 } as const;

/** Words too common to say anything about a report; they neither find nor rank candidates. */
const STOP_WORDS = new Set(
  ('a an and any are as at be been but by can could do does for from had has have if in into is it its may me my no not of on ' +
    'one or our over so such than that the their them then there these they this those to too under up us very was we were what ' +
    'when where which while who why will with without would you your all also after before past only other some every')
    .split(' '),
);

/**
 * A word in at least this share of the program's reports says nothing about
 * which bug a report describes ("vulnerability", the vendor's name however a
 * reporter spells it); from MIN_REPORTS_FOR_SHARE reports on, such words
 * neither find nor rank candidates. Below that the shares are too noisy.
 */
const COMMON_WORD_SHARE = 0.4;
const MIN_REPORTS_FOR_SHARE = 12;

interface QueryWord {
  word: string;
  term: string;
  inTitle: boolean;
}

/**
 * The words every report of the program shares by construction: the vendor's
 * and the program's names (from its settings). Product names are left in:
 * they tell a VPN client report from a firewall one when a reporter chose
 * "other"; the report's own product words are skipped below.
 */
async function programWords(db: Db, programId: string): Promise<string[]> {
  // Settings change on a restart or a policy edit: a minute-old copy ranks the same, and saves every submission a query.
  const cached = settingsWords.get(programId);
  if (cached && Date.now() - cached.at < 60_000) return cached.words;
  const row = await db.selectFrom('programs').select(['slug', 'name', 'config']).where('id', '=', programId).executeTakeFirst();
  const config = (row?.config ?? {}) as { vendor?: unknown; name?: unknown };
  const texts = row ? [row.slug, row.name, typeof config.vendor === 'string' ? config.vendor : '', typeof config.name === 'string' ? config.name : ''] : [];
  const words = indexWords(texts.join(' '));
  if (settingsWords.size > 100) settingsWords.clear();
  settingsWords.set(programId, { words, at: Date.now() });
  return words;
}
const settingsWords = new Map<string, { words: string[]; at: number }>();

function queryWords(vault: ReportVault, q: DuplicateQuery, programNames: readonly string[]): QueryWord[] {
  // The product's own words ("gateway") are in most reports about it; the product signal covers them.
  const skip = new Set([...STOP_WORDS, ...programNames, ...(q.product === 'other' ? [] : q.product.toLowerCase().split('-'))]);
  const title = new Set(indexWords(q.title));
  const words = new Map<string, QueryWord>();
  for (const word of [...title, ...indexWords(q.description.slice(0, DESCRIPTION_PREFIX))]) {
    if (skip.has(word) || /^\d+$/.test(word) || words.has(word)) continue;
    words.set(word, { word, term: vault.blindTerm(word), inTitle: title.has(word) });
  }
  return [...words.values()];
}

const NO_REPORT = '00000000-0000-0000-0000-000000000000';

/**
 * Existing reports of the program most likely to describe the same problem,
 * best first. Candidates share at least one significant word with the new
 * report (`search_terms && …`, served by reports_search_terms). Never
 * suggested: spam, reports waiting in the quarantine, and reports already
 * linked to the report looked at (its original, and its duplicates).
 */
export async function findLikelyDuplicates(db: Db, vault: ReportVault, q: DuplicateQuery): Promise<DuplicateCandidate[]> {
  const allWords = queryWords(vault, q, await programWords(db, q.programId));
  if (allWords.length === 0) return [];
  const allTerms = allWords.map((w) => w.term);
  const limit = Math.min(Math.max(q.limit ?? 5, 1), 50);
  const exclude = q.excludeReportId ?? NO_REPORT;
  const candidateLimit = Math.min(Math.max(q.candidates ?? MAX_CANDIDATES, 1), MAX_CANDIDATES);
  const [found, total] = await Promise.all([
    db
      .selectFrom('reports as r')
      .select([
        'r.id', 'r.reference', 'r.data_key', 'r.title_sealed', 'r.product', 'r.state', 'r.created_at',
        sql<string[]>`ARRAY(SELECT unnest(r.search_terms) INTERSECT SELECT unnest(${allTerms}::text[]))`.as('shared'),
        sql<number>`cardinality(r.search_terms)`.as('size'),
      ])
      .where('r.program_id', '=', q.programId)
      .where('r.state', '<>', 'spam')
      .where('r.quarantined', '=', false)
      .where('r.id', '<>', exclude)
      // Already linked either way: marked as a duplicate of it, or its original.
      .where((eb) => eb.or([eb('r.duplicate_of', 'is', null), eb('r.duplicate_of', '<>', exclude)]))
      .where('r.id', '<>', (eb) => eb.fn.coalesce(eb.selectFrom('reports as x').select('x.duplicate_of').where('x.id', '=', exclude), sql<string>`${NO_REPORT}::uuid`))
      .where(sql<boolean>`r.search_terms && ${allTerms}::text[]`)
      .$if(q.createdBefore !== undefined, (qb) => qb.where('r.created_at', '<', q.createdBefore!))
      .where(readableBySql('r', q.readerId ?? null))
      // A bound on the work per submission however large the program grows: duplicates are
      // overwhelmingly of recent reports, and older ones still show in the inbox search.
      .orderBy('r.created_at', 'desc')
      .limit(candidateLimit)
      .execute(),
    programReportCount(db, q.programId),
  ]);
  // Every report containing a query word is a candidate, so counting here gives each word's document frequency.
  const df = new Map<string, number>();
  for (const c of found) for (const t of c.shared) df.set(t, (df.get(t) ?? 0) + 1);
  const n = Math.max(total, 1);
  // Words most reports share do not count at all (a low weight still adds up over many of them). When the
  // candidate limit was reached, the shares are those among the newest reports ranked, not the whole program.
  const examined = found.length >= candidateLimit ? found.length : n;
  const common = (term: string) => examined >= MIN_REPORTS_FOR_SHARE && (df.get(term) ?? 0) >= COMMON_WORD_SHARE * examined;
  const words = allWords.filter((w) => !common(w.term));
  const terms = words.map((w) => w.term);
  const significant = new Set(terms);
  const candidates = found
    .map((c) => ({ ...c, shared: c.shared.filter((t) => significant.has(t)) }))
    .filter((c) => c.shared.length > 0);
  const weight = (term: string) => Math.log(1 + n / (df.get(term) ?? 1));
  const sum = (ws: readonly QueryWord[]) => ws.reduce((s, w) => s + weight(w.term), 0);
  const titleWords = words.filter((w) => w.inTitle);
  const [allWeight, titleWeight] = [sum(words), sum(titleWords)];

  const scored = candidates.map((c) => {
    const shared = new Set(c.shared);
    const has = words.filter((w) => shared.has(w.term));
    const sameProduct = c.product === q.product && q.product !== 'other';
    return {
      c,
      sameProduct,
      unknownProduct: c.product === 'other' || q.product === 'other',
      coverage: allWeight ? sum(has) / allWeight : 0,
      titleCoverage: titleWeight ? sum(has.filter((w) => w.inTitle)) / titleWeight : 0,
      // Jaccard of the term sets: a long report sharing a few words is less alike than a short one.
      jaccard: shared.size / (terms.length + Number(c.size) - shared.size),
      // Title words first, then the rarest (most telling) in the program.
      sharedWords: has
        .sort((a, b) => Number(b.inTitle) - Number(a.inTitle) || weight(b.term) - weight(a.term) || a.word.localeCompare(b.word))
        .map((w) => w.word)
        .filter((w) => w.length >= 3)
        .slice(0, 5),
    };
  });
  const bestJaccard = Math.max(0, ...scored.map((s) => s.jaccard));
  const ranked = scored
    .map((s) => {
      const overlap = bestJaccard ? s.jaccard / bestJaccard : 0;
      const score = W.coverage * s.coverage + W.title * s.titleCoverage + W.overlap * overlap
        + (s.sameProduct ? W.product : s.unknownProduct ? W.productUnknown : 0);
      return { ...s, overlap, score };
    })
    .sort((a, b) => b.score - a.score || a.c.created_at.getTime() - b.c.created_at.getTime())
    .slice(0, limit);

  return ranked.map((s) => {
    const signals = { coverage: s.coverage, titleCoverage: s.titleCoverage, overlap: s.overlap, sameProduct: s.sameProduct, sharedTerms: s.sharedWords };
    return {
      reportId: s.c.id, reference: s.c.reference, title: openTitle(vault, s.c), product: s.c.product, state: s.c.state,
      createdAt: s.c.created_at, score: Math.round(s.score * 1000) / 1000, reason: describe(signals, titleWords.length), signals,
    };
  });
}

/** "same product; 4 of 5 title words; shares: hpack, header, overflow". */
export function describe(s: DuplicateCandidate['signals'], titleWords: number): string {
  const parts: string[] = [];
  if (s.sameProduct) parts.push('same product');
  if (titleWords > 0 && s.titleCoverage >= 0.3) parts.push(`title words ${Math.round(s.titleCoverage * 100)}% shared`);
  if (s.sharedTerms.length) parts.push(`shares: ${s.sharedTerms.join(', ')}`);
  return parts.length ? parts.join('; ') : 'similar wording';
}

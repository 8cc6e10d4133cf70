import { sql } from 'kysely';
import { z } from 'zod';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { OPEN_STATES, REPORT_STATES, type ReportState } from '../domain/lifecycle.ts';
import { REFERENCE_PATTERN } from '../domain/reference.ts';
import { openTitle } from './report-contents.ts';
import { possibleDuplicateSql } from '../triage/duplicate-suggestions.ts';

export const INBOX_SORTS = { newest: 'Newest first', oldest: 'Oldest first', updated: 'Recently updated' } as const;

/** Inbox filters as they arrive in the query string; anything unknown falls back to the default. */
export const inboxQuerySchema = z.object({
  state: z.enum(['open', 'closed', 'all', ...REPORT_STATES]).catch('open').default('open'),
  assignee: z.string().max(64).optional().catch(undefined),
  product: z.string().max(64).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  sort: z.enum(['newest', 'oldest', 'updated']).catch('newest').default('newest'),
  after: z.string().max(200).optional().catch(undefined),
  /** Quarantined reports: left out of the normal views (exclude), or listed with them, or alone. */
  quarantine: z.enum(['exclude', 'include', 'only']).catch('exclude').default('exclude'),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

export interface InboxRow {
  id: string;
  reference: string;
  title: string;
  product: string;
  state: ReportState;
  assigneeName: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Likely duplicates were found when it was submitted (duplicate_suggestions). */
  possibleDuplicate: boolean;
  /** Waiting in the Quarantine tab. */
  quarantined: boolean;
}

export interface InboxPage {
  rows: InboxRow[];
  /** Cursor of the next page, when there is one. */
  next: string | undefined;
}

const PAGE_SIZE = 50;
type Cursor = { t: string; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url');
}
function decodeCursor(s: string | undefined): Cursor | undefined {
  if (!s) return undefined;
  try {
    const [t, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
    if (typeof t === 'string' && typeof id === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(t) && z.uuid().safeParse(id).success) {
      return { t, id };
    }
  } catch {
    /* a tampered cursor restarts from the first page */
  }
  return undefined;
}

const ALL_CLOSED = REPORT_STATES.filter((s) => !OPEN_STATES.includes(s));

/**
 * One page of the inbox, by keyset over (sort column, id): the cost of a page
 * does not grow with how far the team has paged.
 */
export async function listReports(
  db: Db,
  vault: ReportVault,
  args: { programIds: readonly string[]; query: InboxQuery; currentUserId: string },
): Promise<InboxPage> {
  const { query } = args;
  if (args.programIds.length === 0) return { rows: [], next: undefined };
  const column = query.sort === 'updated' ? 'r.updated_at' : 'r.created_at';
  const descending = query.sort !== 'oldest';

  let q = db
    .selectFrom('reports as r')
    .leftJoin('staff_users as u', 'u.id', 'r.assignee_id')
    .where('r.program_id', 'in', args.programIds);
  // Quarantined reports wait in their own tab; a reference still finds them.
  const byReference = query.q !== undefined && REFERENCE_PATTERN.test(query.q.toUpperCase());
  if (query.quarantine === 'only') q = q.where('r.quarantined', '=', true);
  else if (query.quarantine === 'exclude' && !byReference) q = q.where('r.quarantined', '=', false);
  if (query.state === 'open') q = q.where('r.state', 'in', OPEN_STATES);
  else if (query.state === 'closed') q = q.where('r.state', 'in', ALL_CLOSED);
  else if (query.state !== 'all') q = q.where('r.state', '=', query.state);
  if (query.assignee === 'me') q = q.where('r.assignee_id', '=', args.currentUserId);
  else if (query.assignee === 'none') q = q.where('r.assignee_id', 'is', null);
  else if (query.assignee && z.uuid().safeParse(query.assignee).success) q = q.where('r.assignee_id', '=', query.assignee);
  if (query.product) q = q.where('r.product', '=', query.product);
  if (query.q) {
    const text = query.q;
    if (REFERENCE_PATTERN.test(text.toUpperCase())) q = q.where('r.reference', '=', text.toUpperCase());
    else {
      // Contents are sealed: every word of the query must be an exact word of the report (blind index, reports_search_terms).
      const terms = vault.blindTerms(text);
      // A query of only one-letter words or punctuation matches nothing rather than everything.
      q = terms.length ? q.where('r.search_terms', '@>', sql<string[]>`${terms}::text[]`) : q.where(sql<boolean>`false`);
    }
  }
  const cursor = decodeCursor(query.after);
  if (cursor) {
    q = q.where(
      sql<boolean>`(${sql.ref(column)}, r.id) ${sql.raw(descending ? '<' : '>')} (${cursor.t}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await q
    .select([
      'r.id', 'r.reference', 'r.data_key', 'r.title_sealed', 'r.product', 'r.state', 'r.created_at', 'r.updated_at', 'u.display_name', 'r.quarantined',
      // Served by the table's primary key (report_id, candidate_id); the rule is the report page's (src/triage/duplicate-suggestions.ts).
      possibleDuplicateSql('r').as('possible_duplicate'),
      sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_t'),
    ])
    .orderBy(column, descending ? 'desc' : 'asc')
    .orderBy('r.id', descending ? 'desc' : 'asc')
    .limit(PAGE_SIZE + 1)
    .execute();
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page.map((r) => ({
      id: r.id,
      reference: r.reference,
      title: openTitle(vault, r),
      product: r.product,
      state: r.state,
      assigneeName: r.display_name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      possibleDuplicate: r.possible_duplicate,
      quarantined: r.quarantined,
    })),
    next: rows.length > PAGE_SIZE && last ? encodeCursor({ t: last.cursor_t, id: last.id }) : undefined,
  };
}

/**
 * Counts of open reports per state for the inbox tabs. Only open states: the
 * (program_id, state, …) index keeps this cheap however many closed reports
 * pile up (counting all states was most of the inbox's time at 100k reports).
 */
export async function countByState(db: Db, programIds: readonly string[]): Promise<Record<ReportState, number>> {
  const counts = Object.fromEntries(REPORT_STATES.map((s) => [s, 0])) as Record<ReportState, number>;
  if (programIds.length === 0) return counts;
  const rows = await db
    .selectFrom('reports')
    .select(['state', sql<string>`count(*)`.as('n')])
    .where('program_id', 'in', programIds)
    .where('state', 'in', OPEN_STATES)
    .where('quarantined', '=', false)
    .groupBy('state')
    .execute();
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}

import { sql } from 'kysely';
import { z } from 'zod';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Severity } from '../db/schema.ts';
import { OPEN_STATES, REPORT_STATES, type ReportState } from '../domain/lifecycle.ts';
import { REFERENCE_PATTERN } from '../domain/reference.ts';
import { openTitle } from './report-contents.ts';
import { RESTRICTED_TITLE, readableBy, readableBySql } from './restricted-access.ts';
import { possibleDuplicateSql } from '../triage/duplicate-suggestions.ts';

export const INBOX_SORTS = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  updated: 'Recently updated',
  deadline: 'Next deadline first',
  severity: 'Most severe first',
} as const;
export type InboxSort = keyof typeof INBOX_SORTS;

/** Inbox filters as they arrive in the query string; anything unknown falls back to the default. */
export const inboxQuerySchema = z.object({
  state: z.enum(['open', 'closed', 'all', ...REPORT_STATES]).catch('open').default('open'),
  assignee: z.string().max(64).optional().catch(undefined),
  product: z.string().max(64).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  sort: z.enum(['newest', 'oldest', 'updated', 'deadline', 'severity']).catch('newest').default('newest'),
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
  /** The team's severity and CVSS score, once scored. */
  severity: Severity | null;
  teamCvssScore: number | null;
  /** The reporter's own CVSS vector, if they gave one: an estimate until the team scores it. */
  reporterCvssVector: string | null;
  /** The soonest open SLA deadline (reports.next_deadline_at); null when no clock runs (closed, or waiting on the reporter). */
  nextDeadlineAt: Date | null;
  /** Restricted to named staff, and the reader is not one of them: only the reference, state and dates are shown. */
  restricted: boolean;
}

export interface InboxPage {
  rows: InboxRow[];
  /** Cursor of the next page, when there is one. */
  next: string | undefined;
}

const PAGE_SIZE = 50;

/**
 * Each sort is a keyset over (key, id). The deadline and severity keys may be
 * null (no clock running, not scored yet): those rows come last, so their
 * pages are read in two phases, first the rows with a key, then the rest by id.
 */
const SORT_KEYS = {
  newest: { column: 'r.created_at', descending: true, kind: 'time', nullable: false },
  oldest: { column: 'r.created_at', descending: false, kind: 'time', nullable: false },
  updated: { column: 'r.updated_at', descending: true, kind: 'time', nullable: false },
  // Index reports_inbox_deadline (program_id, next_deadline_at, id): soonest first.
  deadline: { column: 'r.next_deadline_at', descending: false, kind: 'time', nullable: true },
  // Index reports_inbox_severity (program_id, team_cvss_score, id), read backwards: highest score first.
  severity: { column: 'r.team_cvss_score', descending: true, kind: 'score', nullable: true },
} as const satisfies Record<InboxSort, { column: string; descending: boolean; kind: 'time' | 'score'; nullable: boolean }>;

/** Where the previous page ended: the sort it belongs to, the last key (null in the keyless phase) and id. */
type Cursor = { sort: InboxSort; k: string | null; id: string };

const KEY_PATTERNS = { time: /^\d{4}-\d\d-\d\dT[\d:.]+Z$/, score: /^\d{1,2}\.\d$/ } as const;

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.k, c.id])).toString('base64url');
}
function decodeCursor(s: string | undefined, sort: InboxSort): Cursor | undefined {
  if (!s) return undefined;
  try {
    const [cs, k, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
    const keyOk = k === null || (typeof k === 'string' && KEY_PATTERNS[SORT_KEYS[sort].kind].test(k));
    // A cursor of another sort (the sort changed in the form) restarts from the first page.
    if (cs === sort && keyOk && typeof id === 'string' && z.uuid().safeParse(id).success) return { sort, k: k as string | null, id };
  } catch {
    /* a tampered cursor restarts from the first page */
  }
  return undefined;
}

const ALL_CLOSED = REPORT_STATES.filter((s) => !OPEN_STATES.includes(s));
/** Searches matching at most this many reports fetch them by id (see listReports). */
const FEW_MATCHES = 200;

/**
 * One page of the inbox, by keyset over (sort key, id): the cost of a page
 * does not grow with how far the team has paged. The id breaks ties, so the
 * order is stable and no row is shown twice or skipped between pages.
 */
export async function listReports(
  db: Db,
  vault: ReportVault,
  /** readerId: the staff member reading (restricted reports they are not named on show only that they exist); null for an API token, which is never named. */
  args: { programIds: readonly string[]; query: InboxQuery; currentUserId: string; readerId?: string | null },
): Promise<InboxPage> {
  const { query } = args;
  const readerId = args.readerId === undefined ? args.currentUserId : args.readerId;
  if (args.programIds.length === 0) return { rows: [], next: undefined };
  const key = SORT_KEYS[query.sort];
  const column = key.column;
  const dir = key.descending ? 'desc' : 'asc';
  const after = key.descending ? '<' : '>';

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
  // Filtering on what a report is about must not find a restricted report the reader is not named on.
  const byContent = Boolean(query.product) || (query.q !== undefined && !byReference);
  if (byContent) q = q.where(readableBySql('r', readerId));
  if (query.q) {
    const text = query.q;
    if (REFERENCE_PATTERN.test(text.toUpperCase())) q = q.where('r.reference', '=', text.toUpperCase());
    else {
      // Contents are sealed: every word of the query must be an exact word of the report (blind index, reports_search_terms).
      const terms = vault.blindTerms(text);
      // A query of only one-letter words or punctuation matches nothing rather than everything.
      q = terms.length ? q.where('r.search_terms', '@>', sql<string[]>`${terms}::text[]`) : q.where(sql<boolean>`false`);
      // Blind terms give the planner no statistics for rare words, so for a word few reports contain it
      // reads the sort's index newest first and tests every row (5.5 s at 1,000,000 reports). Ask the
      // blind index first: when the words match few reports, name them (docs/performance.md).
      if (terms.length) {
        const few = await db
          .selectFrom('reports')
          .select('id')
          .where('program_id', 'in', args.programIds)
          .where('search_terms', '@>', sql<string[]>`${terms}::text[]`)
          .where(readableBySql('reports', readerId))
          .limit(FEW_MATCHES + 1)
          .execute();
        if (few.length <= FEW_MATCHES) q = q.where('r.id', '=', sql<string>`ANY(${few.map((r) => r.id)}::uuid[])`);
      }
    }
  }
  const selected = q.select([
    'r.id', 'r.reference', 'r.data_key', 'r.title_sealed', 'r.product', 'r.state', 'r.created_at', 'r.updated_at', 'u.display_name', 'r.quarantined',
    'r.severity', 'r.team_cvss_score', 'r.reporter_cvss_vector', 'r.next_deadline_at', 'r.restricted_to',
    // Served by the table's primary key (report_id, candidate_id); the rule is the report page's (src/triage/duplicate-suggestions.ts).
    possibleDuplicateSql('r').as('possible_duplicate'),
    (key.kind === 'time'
      ? sql<string | null>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
      : sql<string | null>`${sql.ref(column)}::text`
    ).as('cursor_k'),
  ]);
  const cast = key.kind === 'time' ? sql.raw('timestamptz') : sql.raw('numeric');
  const cursor = decodeCursor(query.after, query.sort);

  // Phase 1, the rows with a key: (key, id) past the cursor, in the order of the sort's index.
  let rows: Awaited<ReturnType<typeof selected.execute>> = [];
  if (!cursor || cursor.k !== null) {
    let keyed = key.nullable ? selected.where(sql.ref(column), 'is not', null) : selected;
    if (cursor) keyed = keyed.where(sql<boolean>`(${sql.ref(column)}, r.id) ${sql.raw(after)} (${cursor.k}::${cast}, ${cursor.id}::uuid)`);
    rows = await keyed.orderBy(sql.ref(column), dir).orderBy('r.id', dir).limit(PAGE_SIZE + 1).execute();
  }
  // Phase 2, the rows without a key (no deadline, not scored), by id, once the keyed ones are exhausted.
  if (rows.length <= PAGE_SIZE && key.nullable) {
    let keyless = selected.where(sql.ref(column), 'is', null);
    if (cursor?.k === null) keyless = keyless.where('r.id', after, cursor.id);
    rows = [...rows, ...(await keyless.orderBy('r.id', dir).limit(PAGE_SIZE + 1 - rows.length).execute())];
  }
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page.map((r) => {
      const row: InboxRow = {
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
        severity: r.severity,
        teamCvssScore: r.team_cvss_score === null ? null : Number(r.team_cvss_score),
        reporterCvssVector: r.reporter_cvss_vector,
        nextDeadlineAt: r.next_deadline_at,
        restricted: false,
      };
      if (readableBy(readerId, r.restricted_to)) return row;
      // Only that it exists: reference, state, dates. Not its title, product, scores, assignee or duplicate hints.
      return { ...row, title: RESTRICTED_TITLE, product: '', assigneeName: null, possibleDuplicate: false, severity: null, teamCvssScore: null, reporterCvssVector: null, restricted: true };
    }),
    next: rows.length > PAGE_SIZE && last ? encodeCursor({ sort: query.sort, k: last.cursor_k, id: last.id }) : undefined,
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

import { sql } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { OPEN_STATES, type ReportState } from '../domain/lifecycle.ts';
import { findReportTitles } from '../reports/read-report.ts';
import { loadReportClocks } from './report-clocks.ts';
import { clockUrgency, type ClockUrgency, type SlaClock } from './sla-clocks.ts';

export interface DueRow {
  id: string;
  reference: string;
  title: string;
  state: ReportState;
  severity: string | null;
  assigneeName: string | null;
  dueAt: Date;
  /** The clock that is due first, and how urgent the report is overall. */
  clock: SlaClock | undefined;
  urgency: ClockUrgency;
}

const LIMIT = 100;
// Only deadlines this close can be near breach under any sane threshold; further ones skip the clock computation.
const LOOKAHEAD_MS = 30 * 24 * 3_600_000;

/**
 * Open reports by nearest SLA deadline, for the inbox's "Due" view: the
 * first 100, served by reports_due. Quarantined reports are left out, as in
 * the inbox's other tabs. Breached and near-breach reports carry
 * the clock that makes them so, computed at `now`.
 */
export async function listDueReports(db: Db, vault: ReportVault, args: { programIds: readonly string[]; assigneeId?: string; now?: Date; readerId: string | null }): Promise<DueRow[]> {
  if (args.programIds.length === 0) return [];
  const now = args.now ?? new Date();
  let q = db
    .selectFrom('reports as r')
    .leftJoin('staff_users as u', 'u.id', 'r.assignee_id')
    .select(['r.id', 'r.reference', 'r.state', 'r.severity', 'r.next_deadline_at', 'u.display_name'])
    .where('r.program_id', 'in', args.programIds)
    .where('r.next_deadline_at', 'is not', null)
    .where('r.state', 'in', OPEN_STATES)
    // Quarantined reports wait in the Quarantine tab until someone decides; the inbox tabs leave them out too.
    .where('r.quarantined', '=', false);
  if (args.assigneeId) q = q.where('r.assignee_id', '=', args.assigneeId);
  const rows = await q.orderBy('r.next_deadline_at').orderBy('r.id').limit(LIMIT).execute();
  const titles = await findReportTitles(db, vault, rows.map((r) => r.id), args.readerId);
  const out: DueRow[] = [];
  for (const r of rows) {
    const dueAt = r.next_deadline_at!;
    let clock: SlaClock | undefined;
    let urgency: ClockUrgency = dueAt < now ? 'breached' : 'running';
    if (dueAt.getTime() - now.getTime() < LOOKAHEAD_MS) {
      const loaded = await loadReportClocks(db, r.id, now);
      const ranked = (loaded?.clocks ?? []).map((c) => ({ c, u: clockUrgency(c) })).filter((x) => x.u === 'breached' || x.u === 'near-breach' || x.u === 'running');
      ranked.sort((a, b) => rank(a.u) - rank(b.u));
      clock = ranked[0]?.c;
      urgency = ranked[0]?.u ?? urgency;
    }
    out.push({ id: r.id, reference: r.reference, title: titles.get(r.id) ?? '', state: r.state, severity: r.severity, assigneeName: r.display_name, dueAt, clock, urgency });
  }
  return out;
}

/**
 * How many reports the Due view lists (before its limit): open, not
 * quarantined, with a running clock. The inbox tabs show it, so the two
 * pages count the same reports.
 */
export async function countDue(db: Db, programIds: readonly string[], assigneeId?: string): Promise<number> {
  if (programIds.length === 0) return 0;
  let q = db
    .selectFrom('reports')
    .select(sql<string>`count(*)`.as('n'))
    .where('program_id', 'in', programIds)
    .where('next_deadline_at', 'is not', null)
    .where('state', 'in', OPEN_STATES)
    .where('quarantined', '=', false);
  if (assigneeId) q = q.where('assignee_id', '=', assigneeId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

const rank = (u: ClockUrgency) => ['breached', 'near-breach', 'running', 'paused', 'done'].indexOf(u);

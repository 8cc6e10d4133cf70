import type { Db } from '../db/database.ts';
import { historyFromTimeline, type ReportHistory } from './sla-history.ts';

/**
 * Reads what the SLA clocks need of one report: its receipt time and its
 * timeline, oldest first (by id, which is the order the events were written).
 * Undefined when the report does not exist.
 */
export async function loadReportHistory(db: Db, reportId: string): Promise<ReportHistory | undefined> {
  const report = await db.selectFrom('reports').select('created_at').where('id', '=', reportId).executeTakeFirst();
  return report ? loadHistorySince(db, reportId, report.created_at) : undefined;
}

/** The history of a report whose receipt time the caller has already read. */
export async function loadHistorySince(db: Db, reportId: string, receivedAt: Date): Promise<ReportHistory> {
  const rows = await db
    .selectFrom('report_events')
    .select(['type', 'actor_kind', 'data', 'reporter_visible', 'created_at'])
    .where('report_id', '=', reportId)
    .orderBy('id')
    .execute();
  return historyFromTimeline(receivedAt, rows);
}

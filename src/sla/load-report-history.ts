import type { Db } from '../db/database.ts';
import { historyFromTimeline, type ReportHistory } from './sla-history.ts';

/**
 * Reads what the SLA clocks need of one report: its receipt time and its
 * timeline, oldest first (by id, which is the order the events were written).
 * Undefined when the report does not exist.
 */
export async function loadReportHistory(db: Db, reportId: string): Promise<ReportHistory | undefined> {
  const report = await db.selectFrom('reports').select('created_at').where('id', '=', reportId).executeTakeFirst();
  if (!report) return undefined;
  const rows = await db
    .selectFrom('report_events')
    .select(['type', 'actor_kind', 'data', 'reporter_visible', 'created_at'])
    .where('report_id', '=', reportId)
    .orderBy('id')
    .execute();
  return historyFromTimeline(report.created_at, rows);
}

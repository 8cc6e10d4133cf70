import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/**
 * Watching a report: a member of its program follows it and gets its SLA
 * reminders as the assignee does (src/sla-reminders/recipients.ts). Watching
 * changes nothing about the report itself, so it writes no report event.
 */
export async function watchReport(db: Db, args: { reportId: string; userId: string }): Promise<void> {
  await db
    .insertInto('report_watchers')
    .values({ report_id: args.reportId, user_id: args.userId })
    // Watching twice (two tabs, a double click) is not an error.
    .onConflict((oc) => oc.columns(['report_id', 'user_id']).doNothing())
    .execute();
}

export async function unwatchReport(db: Db, args: { reportId: string; userId: string }): Promise<void> {
  await db.deleteFrom('report_watchers').where('report_id', '=', args.reportId).where('user_id', '=', args.userId).execute();
}

export interface WatchersView {
  watching: boolean;
  /** Display names of everyone watching, for the page. */
  names: string[];
}

/** What the report page shows: whether the viewer watches it, and who does. */
export async function loadWatchers(db: Kysely<Database>, reportId: string, viewerId: string): Promise<WatchersView> {
  const rows = await db
    .selectFrom('report_watchers as w')
    .innerJoin('staff_users as u', 'u.id', 'w.user_id')
    .select(['u.id', 'u.display_name'])
    .where('w.report_id', '=', reportId)
    .orderBy('u.display_name')
    .execute();
  return { watching: rows.some((r) => r.id === viewerId), names: rows.map((r) => r.display_name) };
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The program's leads and admins who can still sign in: where breaches escalate. */
export async function escalationRecipients(db: Kysely<Database>, programId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.program_id', '=', programId)
    .where('m.role', 'in', ['lead', 'admin'])
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Who watches the report and may still see it (can sign in, still a member of
 * its program): they get the reminders the assignee gets. Someone who left the
 * program keeps no view of its deadlines.
 */
export async function watcherRecipients(db: Kysely<Database>, reportId: string, programId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('report_watchers as w')
    .innerJoin('staff_users as u', 'u.id', 'w.user_id')
    .innerJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 'w.user_id').on('m.program_id', '=', programId))
    .select('u.id')
    .where('w.report_id', '=', reportId)
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

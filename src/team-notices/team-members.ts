import { sql, type Kysely } from 'kysely';
import { can } from '../auth/policies.ts';
import type { Database } from '../db/schema.ts';
import { programSla } from '../sla/report-clocks.ts';
import { readPreferences, type NotificationPreferences } from './preferences.ts';

export interface NoticeRecipient {
  userId: string;
  email: string;
  displayName: string;
  preferences: NotificationPreferences;
}

/**
 * The members of a program who hear of its new work (can.hearOfNewWork: those
 * who work its reports) and can still sign in, with their choices; `userId`
 * narrows it to one person (a job re-checking before it sends).
 */
export async function noticeRecipients(db: Kysely<Database>, programId: string, userId?: string): Promise<NoticeRecipient[]> {
  let q = db
    .selectFrom('memberships as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .leftJoin('notification_preferences as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.display_name', 'm.role', 'p.user_id as chose'])
    .select(['p.new_report', 'p.reporter_reply', 'p.disclosure_proposal', 'p.quarantine_released', 'p.quarantined', 'p.digest_hour', 'p.digest_working_days_only'])
    .where('m.program_id', '=', programId)
    .where('u.disabled_at', 'is', null)
    .orderBy(sql`u.id`);
  if (userId) q = q.where('u.id', '=', userId);
  const rows = await q.execute();
  return rows
    .filter((r) => can.hearOfNewWork(r.role))
    .map((r) => ({
      userId: r.id,
      email: r.email,
      displayName: r.display_name,
      // A left join: all the choice columns are set together, or none (the defaults).
      preferences: readPreferences(
        r.chose
          ? {
              new_report: r.new_report!,
              reporter_reply: r.reporter_reply!,
              disclosure_proposal: r.disclosure_proposal!,
              quarantine_released: r.quarantine_released!,
              quarantined: r.quarantined!,
              digest_hour: r.digest_hour!,
              digest_working_days_only: r.digest_working_days_only!,
            }
          : undefined,
      ),
    }));
}

/** The time zones digests follow for these programs (their calendars'), for the account page. */
export async function programTimeZones(db: Kysely<Database>, programIds: readonly string[]): Promise<string[]> {
  if (programIds.length === 0) return [];
  const rows = await db.selectFrom('programs').select('config').where('id', 'in', programIds).execute();
  return [...new Set(rows.map((r) => programSla(r.config).calendar.timeZone))].sort();
}

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

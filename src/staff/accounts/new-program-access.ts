import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { recordStaffEvent } from './staff-events.ts';

/**
 * A program added later (a new entry in the config file) would otherwise be
 * unreachable: nobody has a role in it, so nobody could even give one. The
 * instance's admins (admin of every program that existed before) become its
 * admins, in the transaction that creates it; they give the rest of the team
 * roles from /staff/team. Admins of only some programs get nothing: the new
 * program may belong to another team.
 */
export async function grantNewProgramToInstanceAdmins(trx: Db, newProgramId: string): Promise<string[]> {
  const others = sql<number>`(SELECT count(*) FROM programs WHERE id <> ${newProgramId})::int`;
  const admins = await trx
    .selectFrom('memberships as m')
    .select('m.user_id')
    .where('m.role', '=', 'admin')
    .where('m.program_id', '!=', newProgramId)
    .groupBy('m.user_id')
    .having(sql<number>`count(*)::int`, '=', others)
    .having(others, '>', 0)
    .execute();
  for (const { user_id } of admins) {
    await trx.insertInto('memberships').values({ user_id, program_id: newProgramId, role: 'admin' }).onConflict((oc) => oc.doNothing()).execute();
    await recordStaffEvent(trx, { actorId: null, subjectId: user_id, programId: newProgramId, type: 'program-access-granted' });
  }
  return admins.map((a) => a.user_id);
}

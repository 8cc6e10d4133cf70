import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { Db } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { actorId, authorize, type AccountActor } from './account-actor.ts';
import { keepAnAdmin, lockAccount } from './load-account.ts';
import { recordStaffEvent } from './staff-events.ts';

/** A role, or "none" to take the member out of the program. */
export const roleChoiceSchema = z.enum(['admin', 'lead', 'triager', 'viewer', 'none'], { error: 'Choose a role: admin, lead, triager, viewer, or none.' });
export type RoleChoice = z.infer<typeof roleChoiceSchema>;

/**
 * Gives a member a role in a program, changes it, or ("none") takes it away.
 * Takes effect on their next request: sessions read roles afresh each time.
 * A program always keeps an active admin.
 */
export async function setStaffRole(db: Db, args: { actor: AccountActor; userId: string; programId: string; role: string }): Promise<{ changed: boolean }> {
  const role = roleChoiceSchema.safeParse(args.role);
  if (!role.success) throw new ValidationError({ role: role.error.issues[0]!.message });
  authorize(args.actor, (a) => can.changeStaffRole(a, args.programId));
  return db.transaction().execute(async (trx) => {
    const program = z.uuid().safeParse(args.programId).success && (await trx.selectFrom('programs').select('id').where('id', '=', args.programId).executeTakeFirst());
    if (!program) throw new NotFoundError('This program');
    const account = await lockAccount(trx, args.userId);
    const from = account.roles.get(args.programId) ?? 'none';
    if (from === role.data) return { changed: false };
    if (from === 'admin') await keepAnAdmin(trx, account, [args.programId], args.actor);
    if (role.data === 'none') {
      await trx.deleteFrom('memberships').where('user_id', '=', account.id).where('program_id', '=', args.programId).execute();
    } else {
      const next: Role = role.data;
      await trx
        .insertInto('memberships')
        .values({ user_id: account.id, program_id: args.programId, role: next })
        .onConflict((oc) => oc.columns(['user_id', 'program_id']).doUpdateSet({ role: next }))
        .execute();
    }
    await recordStaffEvent(trx, { actorId: actorId(args.actor), subjectId: account.id, programId: args.programId, type: 'role-changed', detail: { from: from === 'none' ? null : from, to: role.data === 'none' ? null : role.data } });
    return { changed: true };
  });
}

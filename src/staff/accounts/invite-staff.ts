import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { Db } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { ValidationError } from '../../errors.ts';
import type { InstanceSecret } from '../../secrets/instance-secret.ts';
import { actorId, authorize, type AccountActor } from './account-actor.ts';
import { issueAccountLink } from './account-links.ts';
import { accountIdByEmail, lockAccount } from './load-account.ts';
import { recordStaffEvent } from './staff-events.ts';

export const invitationSchema = z.object({
  email: z.string().trim().toLowerCase().email('Give a valid e-mail address.').max(320),
  displayName: z.string().trim().min(1, 'Give a display name.').max(100, 'The name is too long (at most 100 characters).'),
  role: z.enum(['admin', 'lead', 'triager', 'viewer'], { error: 'Choose a role: admin, lead, triager or viewer.' }),
  programIds: z.array(z.uuid({ error: 'Choose among the programs you administer.' })).min(1, 'Choose at least one program.'),
});
/** What the invitation form sends, unchecked. */
export type InvitationInput = { email: string; displayName: string; role: string; programIds: readonly string[] };

function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const i of error.issues) fields[String(i.path[0] ?? 'email')] ??= i.message;
  return fields;
}

/**
 * Invites someone by mail with a role in the chosen programs. The account exists
 * from now on (so its roles show on the team page) but stays disabled until the
 * invitee sets a password through the one-time link. Inviting again someone who
 * never accepted sends a fresh link and the old one stops working.
 */
export async function inviteStaff(db: Db, secret: InstanceSecret, args: { actor: AccountActor; input: InvitationInput }): Promise<{ userId: string }> {
  const parsed = invitationSchema.safeParse({ ...args.input, programIds: [...args.input.programIds] });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { email, displayName, role, programIds } = parsed.data;
  const actor = args.actor;
  if (actor.kind === 'staff' && !programIds.every((id) => can.inviteStaff(actor, id))) {
    throw new ValidationError({ programIds: 'Choose among the programs you administer.' });
  }
  return db.transaction().execute(async (trx) => {
    const known = await trx.selectFrom('programs').select('id').where('id', 'in', programIds).execute();
    if (known.length !== new Set(programIds).size) throw new ValidationError({ programIds: 'Choose among the programs you administer.' });
    const existingId = await accountIdByEmail(trx, email);
    let userId: string;
    if (existingId) {
      const existing = await lockAccount(trx, existingId).catch(() => undefined);
      if (!existing || existing.hasPassword) {
        const hint = existing?.disabled ? ' It is deactivated: reactivate it on the team page.' : '';
        throw new ValidationError({ email: `An account with this e-mail already exists.${hint}` });
      }
      authorize(actor, (a) => can.reactivateStaff(a, existing));
      userId = existing.id;
      await trx.updateTable('staff_users').set({ display_name: displayName, invitation_pending: true, disabled_at: new Date() }).where('id', '=', userId).execute();
    } else {
      userId = (
        await trx
          .insertInto('staff_users')
          // Not a PHC string: no password verifies against it until the invitee sets one.
          .values({ email, display_name: displayName, password_hash: '!invited', disabled_at: new Date(), invitation_pending: true })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    await setRoles(trx, userId, programIds, role);
    for (const programId of programIds) await recordStaffEvent(trx, { actorId: actorId(actor), subjectId: userId, programId, type: 'invited', detail: { role } });
    await issueAccountLink(trx, secret, { userId, purpose: 'invitation', createdBy: actorId(actor) });
    return { userId };
  });
}

async function setRoles(trx: Db, userId: string, programIds: readonly string[], role: Role): Promise<void> {
  await trx
    .insertInto('memberships')
    .values(programIds.map((program_id) => ({ user_id: userId, program_id, role })))
    .onConflict((oc) => oc.columns(['user_id', 'program_id']).doUpdateSet({ role }))
    .execute();
}

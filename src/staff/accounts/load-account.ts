import type { StaffTarget } from '../../auth/policies.ts';
import type { Db } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import type { AccountActor } from './account-actor.ts';

/** A person's staff account as the account use cases need it. */
export interface StaffAccount extends StaffTarget {
  id: string;
  email: string;
  displayName: string;
  disabled: boolean;
  invitationPending: boolean;
  /** False for an invitee who never set a password. */
  hasPassword: boolean;
  roles: Map<string, Role>;
}

/**
 * Loads and locks an account (FOR UPDATE: changes of one account queue behind each
 * other). API tokens' own accounts are not people and are "not found" here.
 */
export async function lockAccount(trx: Db, userId: string): Promise<StaffAccount> {
  const row = await trx
    .selectFrom('staff_users as u')
    .select(['u.id', 'u.email', 'u.display_name', 'u.disabled_at', 'u.invitation_pending', 'u.password_hash'])
    .where('u.id', '=', userId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('api_tokens as t').select('t.id').whereRef('t.actor_id', '=', 'u.id'))))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('This staff account');
  const memberships = await trx.selectFrom('memberships').select(['program_id', 'role']).where('user_id', '=', userId).execute();
  const roles = new Map(memberships.map((m) => [m.program_id, m.role]));
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    disabled: row.disabled_at !== null,
    invitationPending: row.invitation_pending,
    // Accounts without a password hold a marker that is no PHC string ("!invited", "!api-token").
    hasPassword: !row.password_hash.startsWith('!'),
    roles,
    programIds: [...roles.keys()],
  };
}

/** The account of an e-mail address (the CLI names accounts by address). */
export async function accountIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('staff_users').select('id').where(({ fn }) => fn('lower', ['email']), '=', email.trim().toLowerCase()).executeTakeFirst();
  return row?.id;
}

/**
 * Refuses a change that would leave one of `programIds` without an active admin.
 * The admin memberships of those programs are locked first, so two admins
 * demoting or deactivating each other at once cannot both succeed.
 */
export async function keepAnAdmin(trx: Db, account: StaffAccount, programIds: readonly string[], actor: AccountActor): Promise<void> {
  for (const programId of programIds) {
    await trx.selectFrom('memberships').select('user_id').where('program_id', '=', programId).where('role', '=', 'admin').orderBy('user_id').forUpdate().execute();
    const others = await trx
      .selectFrom('memberships as m')
      .innerJoin('staff_users as u', 'u.id', 'm.user_id')
      .select('u.id')
      .where('m.program_id', '=', programId)
      .where('m.role', '=', 'admin')
      .where('u.disabled_at', 'is', null)
      .where('u.id', '!=', account.id)
      .limit(1)
      .executeTakeFirst();
    if (others) continue;
    const program = await trx.selectFrom('programs').select('name').where('id', '=', programId).executeTakeFirstOrThrow();
    const who = actor.kind === 'staff' && actor.userId === account.id ? 'You are' : `${account.displayName} is`;
    throw new AppError('last_admin', 409, `${who} the last active admin of ${program.name}: make someone else an admin of it first, so the program is never left without one.`);
  }
}

import { verify } from '@node-rs/argon2';
import type { Db } from '../../db/database.ts';
import { ValidationError } from '../../errors.ts';
import { endOtherSessions } from '../sessions.ts';
import { checkDisplayName, hashNewPassword } from './password-links.ts';
import { recordStaffEvent } from './staff-events.ts';

/**
 * A staff member changes their own password: the current one is required (a
 * session left open on a shared screen is not enough), and every other session
 * ends, so whoever learnt the old password is signed out too.
 */
export async function changeOwnPassword(
  db: Db,
  args: { userId: string; currentPassword: string; newPassword: string; keepSessionToken: string | undefined },
): Promise<void> {
  const row = await db.selectFrom('staff_users').select('password_hash').where('id', '=', args.userId).executeTakeFirstOrThrow();
  const errors: Record<string, string> = {};
  if (!(await verify(row.password_hash, args.currentPassword).catch(() => false))) errors.currentPassword = 'Your current password is not right.';
  const hash = await hashNewPassword(args.newPassword, 'newPassword').catch((err: ValidationError) => (Object.assign(errors, err.fields), ''));
  if (args.newPassword && args.newPassword === args.currentPassword) errors.newPassword ??= 'Choose a password other than your current one.';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff_users').set({ password_hash: hash }).where('id', '=', args.userId).execute();
    await endOtherSessions(trx, args.userId, args.keepSessionToken);
    await recordStaffEvent(trx, { actorId: args.userId, subjectId: args.userId, type: 'password-changed' });
  });
}

/** A staff member changes the name the team and the timelines show for them. */
export async function changeOwnDisplayName(db: Db, args: { userId: string; displayName: string }): Promise<void> {
  const displayName = checkDisplayName(args.displayName);
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('staff_users').select('display_name').where('id', '=', args.userId).forUpdate().executeTakeFirstOrThrow();
    if (before.display_name === displayName) return;
    await trx.updateTable('staff_users').set({ display_name: displayName }).where('id', '=', args.userId).execute();
    await recordStaffEvent(trx, { actorId: args.userId, subjectId: args.userId, type: 'name-changed', detail: { from: before.display_name, to: displayName } });
  });
}

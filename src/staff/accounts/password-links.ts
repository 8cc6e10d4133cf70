import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { Db } from '../../db/database.ts';
import { AppError, ValidationError } from '../../errors.ts';
import type { InstanceSecret } from '../../secrets/instance-secret.ts';
import { hashPassword } from '../staff-users.ts';
import { actorId, authorize, type AccountActor } from './account-actor.ts';
import { claimLink, issueAccountLink } from './account-links.ts';
import { lockAccount } from './load-account.ts';
import { recordStaffEvent } from './staff-events.ts';

export const newPasswordSchema = z.string().min(12, 'The password needs at least 12 characters.').max(1000, 'The password is too long (at most 1,000 characters).');
const displayNameSchema = z.string().trim().min(1, 'Give a display name.').max(100, 'The name is too long (at most 100 characters).');

/** Checks a new password (field error under `field`) and hashes it, outside any transaction: argon2 takes a while. */
export async function hashNewPassword(password: string, field = 'password'): Promise<string> {
  const checked = newPasswordSchema.safeParse(password);
  if (!checked.success) throw new ValidationError({ [field]: checked.error.issues[0]!.message });
  return hashPassword(password);
}

/** Checks a display name; the field error is under `displayName`. */
export function checkDisplayName(name: string): string {
  const checked = displayNameSchema.safeParse(name);
  if (!checked.success) throw new ValidationError({ displayName: checked.error.issues[0]!.message });
  return checked.data;
}

/** Why a link did nothing: unknown, used, replaced, expired, or the account was deactivated meanwhile. */
export class LinkNoLongerValidError extends AppError {
  constructor() {
    super('link_invalid', 404, 'This link has been used, replaced or has expired. Ask an administrator for a new one.');
  }
}

/**
 * Accepts an invitation: the invitee's password and name, and the account
 * becomes active. Field errors come before the link is touched, so it stays usable.
 */
export async function acceptInvitation(db: Db, token: string, input: { displayName: string; password: string }): Promise<{ userId: string }> {
  const errors: Record<string, string> = {};
  let displayName = '';
  try {
    displayName = checkDisplayName(input.displayName);
  } catch (err) {
    Object.assign(errors, (err as ValidationError).fields);
  }
  const hash = await hashNewPassword(input.password).catch((err: ValidationError) => (Object.assign(errors, err.fields), ''));
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return db.transaction().execute(async (trx) => {
    const userId = await claimLink(trx, token, 'invitation');
    if (!userId) throw new LinkNoLongerValidError();
    const account = await lockAccount(trx, userId);
    if (!account.invitationPending) throw new LinkNoLongerValidError();
    await trx.updateTable('staff_users').set({ password_hash: hash, display_name: displayName, disabled_at: null, invitation_pending: false }).where('id', '=', userId).execute();
    await recordStaffEvent(trx, { actorId: userId, subjectId: userId, type: 'invitation-accepted' });
    return { userId };
  });
}

/** An admin (or operator) sends an active account a password reset link by mail. */
export async function sendPasswordReset(db: Db, secret: InstanceSecret, args: { actor: AccountActor; userId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const account = await lockAccount(trx, args.userId);
    authorize(args.actor, (a) => can.sendPasswordReset(a, account));
    if (account.disabled || !account.hasPassword) {
      throw new AppError('account_inactive', 409, `${account.displayName}'s account is not active: ${account.invitationPending || !account.hasPassword ? 'invite them again instead' : 'reactivate it first'}.`);
    }
    await issueAccountLink(trx, secret, { userId: account.id, purpose: 'password-reset', createdBy: actorId(args.actor) });
    await recordStaffEvent(trx, { actorId: actorId(args.actor), subjectId: account.id, type: 'password-reset-sent' });
  });
}

/** Sets a new password through a reset link; every session and pending sign-in of the account ends. */
export async function resetPasswordWithLink(db: Db, token: string, password: string): Promise<{ userId: string }> {
  const hash = await hashNewPassword(password);
  return db.transaction().execute(async (trx) => {
    const userId = await claimLink(trx, token, 'password-reset');
    if (!userId) throw new LinkNoLongerValidError();
    const account = await lockAccount(trx, userId);
    if (account.disabled) throw new LinkNoLongerValidError();
    await trx.updateTable('staff_users').set({ password_hash: hash }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await trx.deleteFrom('staff_pending_sign_ins').where('user_id', '=', userId).execute();
    await recordStaffEvent(trx, { actorId: userId, subjectId: userId, type: 'password-reset' });
    return { userId };
  });
}

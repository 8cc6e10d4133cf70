import { can } from '../../auth/policies.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { actorId, authorize, type AccountActor } from './account-actor.ts';
import { voidAccountLinks } from './account-links.ts';
import { keepAnAdmin, lockAccount } from './load-account.ts';
import { recordStaffEvent } from './staff-events.ts';

/**
 * Deactivates an account at once: it can no longer sign in, its sessions,
 * pending sign-ins and unused links end, and API tokens it created are refused
 * while it stays deactivated (src/api/tokens/api-tokens.ts). The account and its
 * name stay, so timelines and the history keep saying who did what. A program
 * always keeps an active admin.
 */
export async function deactivateStaff(db: Db, args: { actor: AccountActor; userId: string }): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const account = await lockAccount(trx, args.userId);
    authorize(args.actor, (a) => can.deactivateStaff(a, account));
    if (account.disabled && !account.invitationPending) return { changed: false };
    const administered = [...account.roles].filter(([, role]) => role === 'admin').map(([programId]) => programId);
    if (!account.disabled) await keepAnAdmin(trx, account, administered, args.actor);
    await trx.updateTable('staff_users').set({ disabled_at: new Date(), invitation_pending: false }).where('id', '=', account.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', account.id).execute();
    await trx.deleteFrom('staff_pending_sign_ins').where('user_id', '=', account.id).execute();
    await voidAccountLinks(trx, account.id);
    await recordStaffEvent(trx, { actorId: actorId(args.actor), subjectId: account.id, type: 'deactivated' });
    return { changed: true };
  });
}

/** Reactivates a deactivated account with the roles it had; someone who never accepted their invitation is invited again instead. */
export async function reactivateStaff(db: Db, args: { actor: AccountActor; userId: string }): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const account = await lockAccount(trx, args.userId);
    authorize(args.actor, (a) => can.reactivateStaff(a, account));
    if (!account.disabled) return { changed: false };
    if (!account.hasPassword) {
      throw new AppError('never_accepted', 409, `${account.displayName} never accepted their invitation: invite them again (same e-mail) to send a new link.`);
    }
    await trx.updateTable('staff_users').set({ disabled_at: null }).where('id', '=', account.id).execute();
    await recordStaffEvent(trx, { actorId: actorId(args.actor), subjectId: account.id, type: 'reactivated' });
    return { changed: true };
  });
}


import type { Db } from '../../db/database.ts';
import { hashToken, isWellFormedToken, newToken } from '../../domain/tokens.ts';

/** How long the second step may take after a correct password. */
export const PENDING_SIGN_IN_MS = 5 * 60_000;

/**
 * A correct password for an account with a second factor: not a session.
 * Returns the cookie value (stored only hashed). Expired pending sign-ins of
 * everyone are forgotten on the way (indexed by expiry, so cheap).
 */
export async function createPendingSignIn(db: Db, userId: string, next: string | undefined, now = new Date()): Promise<string> {
  const token = newToken();
  await db.deleteFrom('staff_pending_sign_ins').where('expires_at', '<=', now).execute();
  await db
    .insertInto('staff_pending_sign_ins')
    .values({ token_hash: hashToken(token), user_id: userId, next: next ?? null, created_at: now, expires_at: new Date(now.getTime() + PENDING_SIGN_IN_MS) })
    .execute();
  return token;
}

/** The account waiting for its second factor behind a cookie value; undefined when unknown, expired or disabled. */
export async function resolvePendingSignIn(db: Db, token: string | undefined, now = new Date()): Promise<{ userId: string; next: string | undefined } | undefined> {
  if (!token || !isWellFormedToken(token)) return undefined;
  const row = await db
    .selectFrom('staff_pending_sign_ins as p')
    .innerJoin('staff_users as u', 'u.id', 'p.user_id')
    .select(['p.user_id', 'p.next', 'p.expires_at', 'u.disabled_at'])
    .where('p.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.disabled_at || row.expires_at <= now) return undefined;
  return { userId: row.user_id, next: row.next ?? undefined };
}

/** Uses up a pending sign-in; false when another request already did (or it expired). */
export async function consumePendingSignIn(db: Db, token: string, now = new Date()): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const row = await db
    .deleteFrom('staff_pending_sign_ins')
    .where('token_hash', '=', hashToken(token))
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Abandons a pending sign-in (sign-out from the second-step page). */
export async function deletePendingSignIn(db: Db, token: string): Promise<void> {
  if (!isWellFormedToken(token)) return;
  await db.deleteFrom('staff_pending_sign_ins').where('token_hash', '=', hashToken(token)).execute();
}

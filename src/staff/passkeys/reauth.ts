import type { Db } from '../../db/database.ts';
import { hashToken, isWellFormedToken } from '../../domain/tokens.ts';

/** How recent a sign-in counts as having just proved who you are (adding a passkey needs no password then). */
export const FRESH_SIGN_IN_MS = 10 * 60_000;

/** Whether the session behind this cookie value was opened (by a full sign-in) within the last ten minutes. */
export async function signedInRecently(db: Db, sessionToken: string | undefined, now = new Date()): Promise<boolean> {
  if (!sessionToken || !isWellFormedToken(sessionToken)) return false;
  const row = await db.selectFrom('sessions').select('created_at').where('token_hash', '=', hashToken(sessionToken)).executeTakeFirst();
  return row !== undefined && now.getTime() - row.created_at.getTime() < FRESH_SIGN_IN_MS;
}

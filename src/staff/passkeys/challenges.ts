import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { PasskeyPurpose } from '../../db/staff-identity-tables.ts';

/** How long the browser and the person have to answer a challenge. */
export const CHALLENGE_MS = 5 * 60_000;

function bindingHash(purpose: PasskeyPurpose, bindingToken: string): Buffer {
  return createHash('sha256').update(`${purpose}\0${bindingToken}`, 'utf8').digest();
}

/**
 * Stores a challenge bound to a purpose and a token the browser holds (its session, its pending
 * sign-in, or the sign-in page's cookie); a newer one for the same binding replaces it.
 */
export async function storeChallenge(
  db: Db,
  c: { purpose: PasskeyPurpose; bindingToken: string; challenge: string; userId: string | null },
  now = new Date(),
): Promise<void> {
  const row = { binding_hash: bindingHash(c.purpose, c.bindingToken), purpose: c.purpose, challenge: c.challenge, user_id: c.userId, expires_at: new Date(now.getTime() + CHALLENGE_MS) };
  await db.deleteFrom('staff_passkey_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('staff_passkey_challenges')
    .values(row)
    .onConflict((oc) => oc.column('binding_hash').doUpdateSet({ challenge: row.challenge, purpose: row.purpose, user_id: row.user_id, expires_at: row.expires_at }))
    .execute();
}

/** Takes the challenge out (it works once, answered right or wrong); undefined when none, or expired. */
export async function takeChallenge(db: Db, purpose: PasskeyPurpose, bindingToken: string, now = new Date()): Promise<{ challenge: string; userId: string | null } | undefined> {
  const row = await db
    .deleteFrom('staff_passkey_challenges')
    .where('binding_hash', '=', bindingHash(purpose, bindingToken))
    .returning(['challenge', 'user_id', 'expires_at'])
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return { challenge: row.challenge, userId: row.user_id };
}

import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { hashToken, isWellFormedToken, newToken } from '../domain/tokens.ts';
import { insertStaffUser, prepareStaffUser } from './staff-users.ts';

const VALID_MS = 24 * 3600_000;

/** A one-time link for creating the first admin; earlier unused links stop working. */
export async function issueSetupToken(db: Db): Promise<string> {
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('setup_tokens').where('used_at', 'is', null).execute();
    await trx.insertInto('setup_tokens').values({ token_hash: hashToken(token), expires_at: new Date(Date.now() + VALID_MS) }).execute();
  });
  return token;
}

/** Whether the token is a live, unused setup link. */
export async function isValidSetupToken(db: Db, token: string): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const row = await db
    .selectFrom('setup_tokens')
    .select('token_hash')
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Why a setup link made no account: someone used it first, or it is unknown, expired, or staff already exist. */
export type FirstAdminRefusal = 'already-used' | 'invalid';

/**
 * Creates the first admin through a setup link. Using the link up and
 * creating the account happen in one transaction, the link first
 * (`UPDATE … WHERE used_at IS NULL RETURNING`): of parallel posts exactly one
 * gets the row, the others wait for it and find it used. A field error
 * (ValidationError) is raised before the link is touched, so it stays usable.
 */
export async function createFirstAdmin(
  db: Db,
  token: string,
  input: { email: string; displayName: string; password: string },
): Promise<{ ok: true; userId: string } | { ok: false; reason: FirstAdminRefusal }> {
  if (!isWellFormedToken(token)) return { ok: false, reason: 'invalid' };
  const prepared = await prepareStaffUser({ ...input, role: 'admin' });
  const tokenHash = hashToken(token);
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('setup_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('token_hash')
      .executeTakeFirst();
    if (!claimed) {
      const row = await trx.selectFrom('setup_tokens').select('used_at').where('token_hash', '=', tokenHash).executeTakeFirst();
      return { ok: false, reason: row?.used_at ? 'already-used' : 'invalid' } as const;
    }
    // Accounts made another way (embargo user add) since the link was issued make it void.
    const existing = await trx.selectFrom('staff_users').select('id').limit(1).executeTakeFirst();
    if (existing) return { ok: false, reason: 'already-used' } as const;
    const user = await insertStaffUser(trx, prepared);
    return { ok: true, userId: user.id } as const;
  });
}

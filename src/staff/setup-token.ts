import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { hashToken, isWellFormedToken, newToken } from '../domain/tokens.ts';

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

/** Marks the token used; false if someone else used it first. */
export async function consumeSetupToken(db: Db, token: string): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const res = await db
    .updateTable('setup_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

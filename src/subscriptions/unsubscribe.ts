import type { Db } from '../db/database.ts';
import { hashToken, isWellFormedToken } from '../domain/tokens.ts';

/** The subscriber an unsubscribe link names; undefined when unknown (already unsubscribed, or never existed). */
export async function findByUnsubscribeToken(db: Db, token: string): Promise<{ id: string; programId: string } | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const row = await db.selectFrom('subscribers').select(['id', 'program_id']).where('unsubscribe_token_hash', '=', hashToken(token)).executeTakeFirst();
  return row && { id: row.id, programId: row.program_id };
}

/**
 * Unsubscribes the link's owner: the subscriber and their sealed address are
 * deleted (nothing kept that is no longer needed); pending notices go with
 * them (ON DELETE CASCADE), so a queued mail sends nothing. True when someone was removed.
 */
export async function unsubscribe(db: Db, token: string): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const result = await db.deleteFrom('subscribers').where('unsubscribe_token_hash', '=', hashToken(token)).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The team removes a subscriber of a program they manage (the route checks `can.manageSubscribers`). */
export async function removeSubscriber(db: Db, args: { id: string; programId: string }): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(args.id)) return false;
  const result = await db.deleteFrom('subscribers').where('id', '=', args.id).where('program_id', '=', args.programId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

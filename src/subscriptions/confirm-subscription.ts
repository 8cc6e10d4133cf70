import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { hashToken, isWellFormedToken } from '../domain/tokens.ts';

/** What a confirmation link would do: shown on the page before the subscriber presses the button. */
export interface Confirmable {
  programId: string;
  /** A confirmed subscriber changing products (the "your subscription" mail), rather than a new one. */
  change: boolean;
  allProducts: boolean;
  products: string[];
}

function byToken(db: Db | Transaction<Database>, token: string, now: Date) {
  return db
    .selectFrom('subscribers')
    .select(['id', 'program_id', 'confirmed_at', 'pending_all_products', 'pending_products'])
    .where('confirm_token_hash', '=', hashToken(token))
    .where('confirm_expires_at', '>', now);
}

/** The pending selection a confirmation link names; undefined when the link is unknown, used or expired. */
export async function findConfirmable(db: Db, token: string, now = new Date()): Promise<Confirmable | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const row = await byToken(db, token, now).executeTakeFirst();
  if (!row || row.pending_all_products === null) return undefined;
  return { programId: row.program_id, change: row.confirmed_at !== null, allProducts: row.pending_all_products, products: row.pending_products ?? [] };
}

/**
 * Double opt-in: the link's owner confirms. Applies the pending selection and
 * spends the token (one-time). A POST, never the GET of the link: mail
 * scanners fetch links. Undefined when the link is unknown, used or expired.
 */
export async function confirmSubscription(db: Db, token: string, now = new Date()): Promise<Confirmable | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  return db.transaction().execute(async (trx) => {
    const row = await byToken(trx, token, now).forUpdate().executeTakeFirst();
    if (!row || row.pending_all_products === null) return undefined;
    const products = row.pending_all_products ? [] : (row.pending_products ?? []);
    await trx
      .updateTable('subscribers')
      .set({
        all_products: row.pending_all_products,
        products,
        confirmed_at: row.confirmed_at ?? now,
        pending_all_products: null,
        pending_products: null,
        confirm_token_hash: null,
        confirm_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    return { programId: row.program_id, change: row.confirmed_at !== null, allProducts: row.pending_all_products, products };
  });
}

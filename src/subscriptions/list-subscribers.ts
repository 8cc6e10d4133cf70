import { sql } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { openAddress } from './subscriber-crypto.ts';

/** The staff list shows at most this many subscribers, newest first (counts cover everyone). */
export const SUBSCRIBER_LIST_LIMIT = 500;

export interface SubscriberCounts {
  /** Confirmed subscribers. */
  confirmed: number;
  /** Confirmed subscribers following every product. */
  allProducts: number;
  /** Per product id: confirmed subscribers who hear about it (following it, or all products). */
  perProduct: Record<string, number>;
  /** Waiting for confirmation (forgotten when their link expires). */
  pending: number;
}

export interface SubscriberRow {
  id: string;
  email: string;
  allProducts: boolean;
  products: string[];
  confirmedAt: Date;
}

/** A program's subscribers for the staff page: counts, and the confirmed ones with their addresses opened. */
export async function listSubscribers(db: Db, vault: ReportVault, programId: string, productIds: readonly string[]): Promise<{ counts: SubscriberCounts; rows: SubscriberRow[] }> {
  const [totals, perProduct, rows] = await Promise.all([
    db
      .selectFrom('subscribers')
      .select([
        sql<string>`count(*) FILTER (WHERE confirmed_at IS NOT NULL)`.as('confirmed'),
        sql<string>`count(*) FILTER (WHERE confirmed_at IS NOT NULL AND all_products)`.as('all_products'),
        sql<string>`count(*) FILTER (WHERE confirmed_at IS NULL)`.as('pending'),
      ])
      .where('program_id', '=', programId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom(sql<{ product: string }>`(SELECT unnest(products) AS product FROM subscribers WHERE program_id = ${programId} AND confirmed_at IS NOT NULL AND NOT all_products)`.as('p'))
      .select(['p.product', sql<string>`count(*)`.as('n')])
      .groupBy('p.product')
      .execute(),
    db
      .selectFrom('subscribers')
      .select(['id', 'data_key', 'email_sealed', 'all_products', 'products', 'confirmed_at'])
      .where('program_id', '=', programId)
      .where('confirmed_at', 'is not', null)
      .orderBy('confirmed_at', 'desc')
      .orderBy('id')
      .limit(SUBSCRIBER_LIST_LIMIT)
      .execute(),
  ]);
  const all = Number(totals.all_products);
  const counts: SubscriberCounts = {
    confirmed: Number(totals.confirmed),
    allProducts: all,
    pending: Number(totals.pending),
    perProduct: Object.fromEntries(productIds.map((id) => [id, all + Number(perProduct.find((p) => p.product === id)?.n ?? 0)])),
  };
  return {
    counts,
    rows: rows.map((r) => ({ id: r.id, email: openAddress(vault, r), allProducts: r.all_products, products: r.products, confirmedAt: r.confirmed_at! })),
  };
}

/** The program of a subscriber, for the staff route's permission check; undefined when unknown. */
export async function subscriberProgram(db: Db, id: string): Promise<string | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return (await db.selectFrom('subscribers').select('program_id').where('id', '=', id).executeTakeFirst())?.program_id;
}

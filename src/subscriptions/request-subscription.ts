import { sql, type Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { hashToken, newToken } from '../domain/tokens.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { seal } from '../mail/seal.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { sealAddress, subscriberKeys } from './subscriber-crypto.ts';
import type { SubscriptionRequest } from './subscription-input.ts';
import type { Language } from '../i18n/languages.ts';

/** How long a confirmation link works. */
export const CONFIRM_LINK_HOURS = 72;
/** Purpose of the sealed confirmation token in a 'subscription-mail' job's payload. */
export const CONFIRM_TOKEN_PURPOSE = 'subscription-confirm-token';

/**
 * Records a subscription request and queues the mail that answers it. The
 * caller shows the same page whatever happened here, so the web cannot tell
 * whether the address was known:
 * - unknown address: a pending subscriber and a confirmation mail;
 * - pending address: its selection replaced, a fresh link (the old one stops working);
 * - confirmed subscriber: the new selection waits for confirmation and they get a
 *   "your subscription" mail (confirm the change, or unsubscribe).
 * `sendMail: false` (the per-address limit was reached): nothing changes and nothing is sent.
 */
export async function requestSubscription(
  db: Db,
  vault: ReportVault,
  secret: InstanceSecret,
  /** `language`: the page's, which every mail to the subscriber is written in (absent: the program's default). */
  args: { programId: string; request: SubscriptionRequest; sendMail: boolean; language?: Language; now?: Date },
): Promise<void> {
  const now = args.now ?? new Date();
  const keys = subscriberKeys(secret);
  const token = newToken();
  const selection = { pending_all_products: args.request.allProducts, pending_products: args.request.products, ...(args.language ? { language: args.language } : {}) };
  const confirm = { confirm_token_hash: hashToken(token), confirm_expires_at: new Date(now.getTime() + CONFIRM_LINK_HOURS * 3_600_000) };
  await db.transaction().execute(async (trx) => {
    await purgeExpiredPending(trx, now);
    // Over the limit: change nothing, so the link in the last mail sent keeps working.
    if (!args.sendMail) return;
    const emailHash = keys.emailHash(args.request.email);
    const existing = await trx
      .selectFrom('subscribers')
      .select(['id'])
      .where('program_id', '=', args.programId)
      .where('email_hash', '=', emailHash)
      .forUpdate()
      .executeTakeFirst();
    let subscriberId: string;
    if (existing) {
      subscriberId = existing.id;
      await trx.updateTable('subscribers').set({ ...selection, ...confirm, updated_at: now }).where('id', '=', subscriberId).execute();
    } else {
      subscriberId = crypto.randomUUID();
      // Two requests for a new address at once: the second one's insert waits on the unique index, then does nothing
      // (its mail is not sent; the first one's is).
      const inserted = await trx
        .insertInto('subscribers')
        .values({
          id: subscriberId,
          program_id: args.programId,
          email_hash: emailHash,
          ...sealAddress(vault, subscriberId, args.request.email),
          ...selection,
          ...confirm,
          unsubscribe_token_hash: hashToken(keys.unsubscribeToken(subscriberId)),
        })
        .onConflict((oc) => oc.columns(['program_id', 'email_hash']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return;
    }
    // The token exists only now: it travels sealed to the job and is scrubbed from the payload once sent.
    const sealedToken = seal(secret, CONFIRM_TOKEN_PURPOSE, subscriberId, Buffer.from(token)).toString('base64');
    await enqueueJob(trx, 'subscription-mail', { subscriberId, sealedToken });
    // If nobody confirms, the address is deleted when the link expires (a confirmed subscriber is untouched).
    await enqueueJob(trx, 'forget-unconfirmed-subscribers', {}, { runAt: new Date(confirm.confirm_expires_at.getTime() + 60_000) });
  });
}

/** Forgets addresses that were never confirmed once their link expired: personal data kept no longer than needed. */
export async function purgeExpiredPending(db: Db | Transaction<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('subscribers')
    .where('confirmed_at', 'is', null)
    .where('confirm_expires_at', '<', sql<Date>`${now}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

import { sql, type Transaction } from 'kysely';
import type { AdvisoryContent } from '../advisories/advisory-content.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { enqueueJob, type JobPayloads } from '../jobs/queue.ts';

/**
 * Called in publishAdvisory's transaction: the fan-out job exists if and only
 * if the publication (or revision) committed.
 */
export async function queueSubscriberNotice(trx: Transaction<Database>, args: JobPayloads['notify-subscribers']): Promise<void> {
  await enqueueJob(trx, 'notify-subscribers', args);
}

/**
 * The 'notify-subscribers' job: one notice row and one 'mail-subscriber' job
 * per confirmed subscriber of the advisory's program who follows one of its
 * products (or all), in one transaction. The row is unique per (advisory,
 * revision, subscriber), so a re-run adds nobody twice; each recipient's mail
 * is then retried on its own. Returns how many were queued.
 */
export async function fanOutAdvisoryNotice(db: Db, args: JobPayloads['notify-subscribers']): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const advisory = await trx.selectFrom('advisories').select(['id', 'program_id', 'state', 'content']).where('id', '=', args.advisoryId).executeTakeFirst();
    if (!advisory || advisory.state !== 'published') return 0;
    const productIds = (advisory.content as AdvisoryContent).products.map((p) => p.productId);
    const rows = await trx
      .insertInto('subscriber_notifications')
      .columns(['advisory_id', 'revision', 'subscriber_id'])
      .expression(
        trx
          .selectFrom('subscribers as s')
          .select([sql<string>`${advisory.id}::uuid`.as('advisory_id'), sql<number>`${args.revision}::integer`.as('revision'), 's.id'])
          .where('s.program_id', '=', advisory.program_id)
          .where('s.confirmed_at', 'is not', null)
          .where((eb) => eb.or([eb('s.all_products', '=', true), eb('s.products', '&&', sql<string[]>`${sql.val(productIds)}::text[]`)])),
      )
      .onConflict((oc) => oc.columns(['advisory_id', 'revision', 'subscriber_id']).doNothing())
      .returning('id')
      .execute();
    // One statement for the jobs too: a program may have thousands of subscribers.
    for (let i = 0; i < rows.length; i += 1000) {
      const payloads: JobPayloads['mail-subscriber'][] = rows.slice(i, i + 1000).map((r) => ({ notificationId: r.id }));
      await trx
        .insertInto('jobs')
        .values(payloads.map((p) => ({ kind: 'mail-subscriber' as const, payload: JSON.stringify(p) })))
        .execute();
    }
    return rows.length;
  });
}

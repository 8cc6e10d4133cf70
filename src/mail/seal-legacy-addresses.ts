import type { Db } from '../db/database.ts';
import { ENVELOPE_FROM_PURPOSE } from '../mail-intake/store-inbound.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { blankAddress } from './blank-address.ts';
import { sealedRecipient } from './deliveries.ts';
import { seal } from './seal.ts';

const BATCH = 500;

/**
 * Seals the addresses that rows written before 2026-11-23T1630 keep in clear
 * (mail_deliveries.to_address, inbound_mails.envelope_from) and clears them.
 * Runs on every start; a migration cannot do it, since it needs the instance
 * secret. Each batch is one transaction, so a crash leaves every row either
 * sealed or still in clear, never without its address. Returns the count.
 */
export async function sealLegacyMailAddresses(db: Db, secret: InstanceSecret): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('mail_deliveries').select(['id', 'job_id', 'attempt', 'to_address', 'smtp_response']).where('to_address', 'is not', null).limit(BATCH).forUpdate().execute();
      for (const r of rows) {
        await trx
          .updateTable('mail_deliveries')
          .set({
            ...sealedRecipient(secret, r.job_id, r.attempt, r.to_address!),
            to_address: null,
            // Relays quote the recipient in their answers.
            smtp_response: r.smtp_response === null ? null : blankAddress(r.smtp_response, r.to_address!),
          })
          .where('id', '=', r.id)
          .execute();
      }
      const mails = await trx.selectFrom('inbound_mails').select(['id', 'envelope_from']).where('envelope_from', 'is not', null).limit(BATCH).forUpdate().execute();
      for (const m of mails) {
        await trx
          .updateTable('inbound_mails')
          .set({ envelope_from_sealed: seal(secret, ENVELOPE_FROM_PURPOSE, m.id, Buffer.from(m.envelope_from!, 'utf8')), envelope_from: null })
          .where('id', '=', m.id)
          .execute();
      }
      return rows.length + mails.length;
    });
    total += sealed;
    if (sealed === 0) return total;
  }
}

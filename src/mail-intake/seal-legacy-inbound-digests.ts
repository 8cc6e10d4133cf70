import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { seal, unseal } from '../mail/seal.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { dedupeKey, RAW_MAIL_PURPOSE, RAW_SHA256_PURPOSE, sealSigner } from './store-inbound.ts';

const BATCH = 200;

/**
 * Seals what received mail of versions before 2026-12-02T0730 keeps in clear
 * (the raw message's SHA-256, the signer's fingerprint) and rekeys its
 * duplicate-delivery key. Runs on every start, since it needs the instance
 * secret; each batch is one transaction. Returns the count of rows.
 */
export async function sealLegacyInboundDigests(db: Db, secret: InstanceSecret): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      // The same predicate as the partial index inbound_mails_digest_unsealed.
      const rows = await trx
        .selectFrom('inbound_mails')
        .select(['id', 'raw_sealed', 'raw_sha256', 'dedupe_key', 'signer_fingerprint'])
        .where(sql<boolean>`raw_sha256 IS NOT NULL OR signer_fingerprint IS NOT NULL`)
        .limit(BATCH)
        .forUpdate()
        .execute();
      for (const r of rows) {
        await trx
          .updateTable('inbound_mails')
          .set({
            ...(r.raw_sha256 === null ? {} : { raw_sha256_sealed: seal(secret, RAW_SHA256_PURPOSE, r.id, Buffer.from(r.raw_sha256, 'utf8')), dedupe_key: rekeyed(secret, r) }),
            ...(r.signer_fingerprint === null ? {} : { signer_fingerprint_sealed: sealSigner(secret, r.id, r.signer_fingerprint) }),
            raw_sha256: null,
            signer_fingerprint: null,
          })
          .where('id', '=', r.id)
          .execute();
      }
      return rows.length;
    });
    total += done;
    if (done === 0) return total;
  }
}

/** The keyed duplicate-delivery key of an old row: from the mail itself, or from the old key when the raw copy was erased (only a note is left). */
function rekeyed(secret: InstanceSecret, r: { id: string; raw_sealed: Buffer; raw_sha256: string | null; dedupe_key: Buffer }): Buffer {
  const raw = unseal(secret, RAW_MAIL_PURPOSE, r.id, r.raw_sealed);
  if (createHash('sha256').update(raw).digest('hex') === r.raw_sha256) return dedupeKey(secret, raw);
  return createHmac('sha256', secret.derive('inbound-dedupe', 'v1')).update('erased\0').update(r.dedupe_key).digest();
}

import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { stripNul } from '../domain/nul-characters.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { seal, unseal } from '../mail/seal.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { messageIds } from './classify.ts';
import { header, parseEntity } from './mime-split.ts';

export interface IncomingMail {
  programId: string;
  raw: Buffer;
  source: 'smtp' | 'imap';
  /** SMTP MAIL FROM ('' for <>); undefined when unknown (IMAP). */
  envelopeFrom?: string;
  envelopeTo: string[];
}

/** Sealing purpose of raw messages; also what src/mail-intake/process-inbound.ts opens them with. */
export const RAW_MAIL_PURPOSE = 'inbound-mail';
/** Sealing purpose of the SMTP envelope sender (personal data like the rest of the mail). */
export const ENVELOPE_FROM_PURPOSE = 'inbound-envelope-from';
/** Sealing purposes of the raw message's SHA-256 and the signer's fingerprint: either would confirm a known mail or sender. */
export const RAW_SHA256_PURPOSE = 'inbound-raw-sha256';
export const SIGNER_PURPOSE = 'inbound-signer';
/** Sealing purpose of the signer key's user IDs (a JSON array): they name the sender. */
export const SIGNER_USER_IDS_PURPOSE = 'inbound-signer-user-ids';

/** The SHA-256 (hex) of the raw message, sealed bound to the mail's id. */
export function sealRawDigest(secret: InstanceSecret, mailId: string, raw: Buffer): Buffer {
  return seal(secret, RAW_SHA256_PURPOSE, mailId, Buffer.from(createHash('sha256').update(raw).digest('hex'), 'utf8'));
}

/** The signer's key fingerprint of a mail, sealed bound to its id. */
export function sealSigner(secret: InstanceSecret, mailId: string, fingerprint: string): Buffer {
  return seal(secret, SIGNER_PURPOSE, mailId, Buffer.from(fingerprint, 'utf8'));
}

/** The signer key's user IDs of a mail, sealed bound to its id. */
export function sealSignerUserIds(secret: InstanceSecret, mailId: string, userIds: string[]): Buffer {
  return seal(secret, SIGNER_USER_IDS_PURPOSE, mailId, Buffer.from(JSON.stringify(userIds.map((u) => stripNul(u).slice(0, 500)).slice(0, 20)), 'utf8'));
}

/** The signer key's user IDs of a stored mail, opened; [] when unknown. */
export function openSignerUserIds(secret: InstanceSecret, row: { id: string; signer_user_ids_sealed: Buffer | null }): string[] {
  if (!row.signer_user_ids_sealed) return [];
  const parsed: unknown = JSON.parse(unseal(secret, SIGNER_USER_IDS_PURPOSE, row.id, row.signer_user_ids_sealed).toString('utf8'));
  return Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
}

/** The raw digest and signer of a stored mail, opened (in clear only on rows of earlier versions not yet sealed on start). */
export function openMailDigests(
  secret: InstanceSecret,
  row: { id: string; raw_sha256: string | null; raw_sha256_sealed: Buffer | null; signer_fingerprint: string | null; signer_fingerprint_sealed: Buffer | null },
): { rawSha256: string; signerFingerprint: string | null } {
  return {
    rawSha256: row.raw_sha256_sealed ? unseal(secret, RAW_SHA256_PURPOSE, row.id, row.raw_sha256_sealed).toString('utf8') : (row.raw_sha256 ?? ''),
    signerFingerprint: row.signer_fingerprint_sealed ? unseal(secret, SIGNER_PURPOSE, row.id, row.signer_fingerprint_sealed).toString('utf8') : row.signer_fingerprint,
  };
}

/** The envelope sender of a stored mail: '' for the null sender, undefined when unknown (IMAP). */
export function openEnvelopeFrom(secret: InstanceSecret, row: { id: string; envelope_from: string | null; envelope_from_sealed: Buffer | null }): string | undefined {
  if (row.envelope_from_sealed) return unseal(secret, ENVELOPE_FROM_PURPOSE, row.id, row.envelope_from_sealed).toString('utf8');
  return row.envelope_from ?? undefined;
}

/**
 * What makes two deliveries "the same mail": its Message-ID and its body.
 * Relays add Received headers on every retry, so the header block differs;
 * the body does not. Without a Message-ID, only identical bytes match. Keyed
 * (HMAC under a key derived from the instance secret): a plain hash in a dump
 * would confirm a guessed mail.
 */
export function dedupeKey(secret: InstanceSecret, raw: Buffer): Buffer {
  const entity = parseEntity(raw);
  const id = messageIds(header(entity, 'message-id'))[0];
  const h = createHmac('sha256', secret.derive('inbound-dedupe', 'v1'));
  if (id) h.update('id\0').update(id).update('\0').update(entity.body);
  else h.update('raw\0').update(raw);
  return h.digest();
}

/**
 * Stores a received mail and enqueues its processing, in one transaction:
 * once this resolves the mail is safe, and only then does the listener say
 * 250 (or the IMAP poller mark it). A mail already stored (a sender's retry
 * after a lost reply, an IMAP message seen again after a restart) is not
 * stored twice.
 */
export async function storeInboundMail(db: Db, secret: InstanceSecret, mail: IncomingMail): Promise<{ id: string; duplicate: boolean }> {
  const id = randomUUID();
  const key = dedupeKey(secret, mail.raw);
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('inbound_mails')
      .values({
        id,
        program_id: mail.programId,
        source: mail.source,
        envelope_from_sealed: mail.envelopeFrom === undefined ? null : seal(secret, ENVELOPE_FROM_PURPOSE, id, Buffer.from(mail.envelopeFrom, 'utf8')),
        envelope_to: mail.envelopeTo.map(stripNul),
        message_id: messageIds(header(parseEntity(mail.raw), 'message-id'))[0]?.slice(0, 500) ?? null,
        dedupe_key: key,
        size: mail.raw.length,
        raw_sha256_sealed: sealRawDigest(secret, id, mail.raw),
        raw_sealed: seal(secret, RAW_MAIL_PURPOSE, id, mail.raw),
      })
      .onConflict((oc) => oc.columns(['program_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .selectFrom('inbound_mails')
        .select('id')
        .where('program_id', '=', mail.programId)
        .where('dedupe_key', '=', key)
        .executeTakeFirstOrThrow();
      return { id: existing.id, duplicate: true };
    }
    await enqueueJob(trx, 'process-inbound-mail', { mailId: id });
    return { id, duplicate: false };
  });
}

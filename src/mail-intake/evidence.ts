import type { Db } from '../db/database.ts';
import type { InboundMailOutcome, MailDecryption, MailSignature } from '../db/schema.ts';
import { unseal } from '../mail/seal.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { openEnvelopeFrom, openMailDigests, openSignerUserIds, RAW_MAIL_PURPOSE } from './store-inbound.ts';

/** What staff see about each mail received for a report (the staff report page lists these). */
export interface MailEvidence {
  id: string;
  receivedAt: Date;
  source: 'smtp' | 'imap';
  /** '' for the null sender; null when unknown (IMAP). */
  envelopeFrom: string | null;
  messageId: string | null;
  size: number;
  /** SHA-256 of the message as received: what a copy handed to someone else can be checked against. */
  rawSha256: string;
  outcome: InboundMailOutcome;
  decryption: MailDecryption | null;
  signature: MailSignature | null;
  signerFingerprint: string | null;
  /** The signer key's user IDs ("Name <address>"); [] when the key was not known or on mails filed before they were kept. */
  signerUserIds: string[];
  /** Why decryption failed, or why the mail was not filed as a message. */
  detail: string | null;
}

/** The mails of a report, oldest first, flagged as they were filed (e.g. decryption "failed"). */
export async function mailEvidence(db: Db, secret: InstanceSecret, reportId: string): Promise<MailEvidence[]> {
  const rows = await db
    .selectFrom('inbound_mails')
    .select([
      'id', 'received_at', 'source', 'envelope_from', 'envelope_from_sealed', 'message_id', 'size', 'raw_sha256', 'raw_sha256_sealed',
      'outcome', 'decryption', 'signature', 'signer_fingerprint', 'signer_fingerprint_sealed', 'signer_user_ids_sealed', 'detail',
    ])
    .where('report_id', '=', reportId)
    .orderBy('received_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    receivedAt: r.received_at,
    source: r.source,
    envelopeFrom: openEnvelopeFrom(secret, r) ?? null,
    messageId: r.message_id,
    size: r.size,
    ...openMailDigests(secret, r),
    outcome: r.outcome,
    decryption: r.decryption,
    signature: r.signature,
    signerUserIds: openSignerUserIds(secret, r),
    detail: r.detail,
  }));
}

/**
 * The original message (an .eml, exactly as received) for staff to download;
 * undefined unless it belongs to `reportId`, so a route authorises on the
 * report as for attachments. Serve it as an attachment, never inline.
 */
export async function originalMail(db: Db, secret: InstanceSecret, reportId: string, mailId: string): Promise<Buffer | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(mailId)) return undefined;
  const row = await db.selectFrom('inbound_mails').select(['id', 'raw_sealed']).where('id', '=', mailId).where('report_id', '=', reportId).executeTakeFirst();
  return row && unseal(secret, RAW_MAIL_PURPOSE, row.id, row.raw_sealed);
}

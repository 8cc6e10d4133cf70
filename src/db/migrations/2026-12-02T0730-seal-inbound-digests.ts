import { sql, type Kysely } from 'kysely';

// Received mail kept a SHA-256 of the raw message and of its Message-ID and
// body (the duplicate-delivery key) in clear, and the signer's key
// fingerprint: with a mail in hand, or a key server, a dump would confirm
// what was received and from whom. The digest and fingerprint are sealed
// (src/mail/seal.ts, bound to the mail's id) and the duplicate key is keyed
// (HMAC). Rows written before this are sealed and rekeyed on the next start
// (src/mail-intake/seal-legacy-inbound-digests.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE inbound_mails
      ALTER COLUMN raw_sha256 DROP NOT NULL,
      -- The raw message's SHA-256 (hex), sealed with purpose 'inbound-raw-sha256', bound to id.
      ADD COLUMN raw_sha256_sealed bytea,
      -- The signer's key fingerprint, sealed with purpose 'inbound-signer', bound to id.
      ADD COLUMN signer_fingerprint_sealed bytea`.execute(db);
  // Rows of earlier versions hold raw_sha256 (and their unkeyed dedupe_key); the start-up task reads nothing once done.
  await sql`CREATE INDEX inbound_mails_digest_unsealed ON inbound_mails (id) WHERE raw_sha256 IS NOT NULL OR signer_fingerprint IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Reporters' e-mail addresses leave the mail tables' clear text: outbound
// deliveries keep the address sealed (src/mail/seal.ts) plus a keyed hash for
// the per-address acknowledgement cap; inbound mail keeps its envelope sender
// sealed. Rows written before this are sealed on the next start
// (src/mail/seal-legacy-addresses.ts), which clears the clear-text columns.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE mail_deliveries
      ALTER COLUMN to_address DROP NOT NULL,
      -- Sealed with purpose 'mail-delivery-to', bound to "<job id>:<attempt>".
      ADD COLUMN to_address_sealed bytea,
      -- HMAC-SHA256 of the normalised address (src/triage/sender-hash.ts): equality without the address.
      ADD COLUMN to_address_hash bytea`.execute(db);
  await sql`DROP INDEX IF EXISTS mail_deliveries_to`.execute(db);
  // The acknowledgement cap (src/mail/templates/acknowledgement.ts): mails to one address in the last hour.
  await sql`CREATE INDEX mail_deliveries_to_hash ON mail_deliveries (to_address_hash, created_at)`.execute(db);
  // Sealed with purpose 'inbound-envelope-from', bound to the mail's id; envelope_from stays only for rows not yet sealed.
  await sql`ALTER TABLE inbound_mails ADD COLUMN envelope_from_sealed bytea`.execute(db);
  // sealLegacyMailAddresses runs on every start: once all is sealed these stay empty, so it reads nothing.
  await sql`CREATE INDEX mail_deliveries_unsealed ON mail_deliveries (id) WHERE to_address IS NOT NULL`.execute(db);
  await sql`CREATE INDEX inbound_mails_unsealed ON inbound_mails (id) WHERE envelope_from IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// A reporter's OpenPGP public key names them (its user IDs hold their name
// and address) and its fingerprint finds them on a key server: the key leaves
// clear text for a sealed column. Rows written before this are sealed on the
// next start (src/reports/seal-legacy-report-texts.ts), which clears both.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reporter_keys
      ALTER COLUMN fingerprint DROP NOT NULL,
      ALTER COLUMN public_key_armored DROP NOT NULL,
      -- The armored public key, sealed with the report's data key, purpose 'reporter-key'.
      ADD COLUMN key_sealed bytea`.execute(db);
  // The start-up sealing reads nothing once every key is sealed.
  await sql`CREATE INDEX reporter_keys_unsealed ON reporter_keys (report_id) WHERE public_key_armored IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

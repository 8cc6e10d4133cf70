import { sql, type Kysely } from 'kysely';

// The program's OpenPGP keys. Private keys are stored encrypted with a
// passphrase derived from the instance secret, which never reaches the
// database. Retired keys stay so that mail encrypted to them can still be read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE program_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
      fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{40}$'),
      public_key_armored text NOT NULL,
      private_key_armored text NOT NULL,
      origin text NOT NULL CHECK (origin IN ('generated', 'imported')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      CHECK ((status = 'retired') = (retired_at IS NOT NULL)),
      -- One row per key and program; also serves decryptionKeys (all keys of a program).
      UNIQUE (program_id, fingerprint)
    )`.execute(db);
  // Exactly one active key per program; serves activeKey (security.txt, /pgp-key.txt, WKD, signing).
  await sql`CREATE UNIQUE INDEX program_keys_active ON program_keys (program_id) WHERE status = 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE program_keys`.execute(db);
}

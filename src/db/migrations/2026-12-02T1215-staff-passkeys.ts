import { sql, type Kysely } from 'kysely';

// Staff passkeys (WebAuthn, src/staff/passkeys/): several per account, named, used to sign
// in without a password or as the second step after one; and the one-time challenges.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff_passkeys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      -- The credential id (base64url) the authenticator names itself by; unique across accounts.
      credential_id text NOT NULL UNIQUE,
      -- COSE public key: what checks the authenticator's signatures.
      public_key bytea NOT NULL,
      -- Signature counter last seen; an assertion must raise it (when the authenticator counts), else it is a clone.
      counter bigint NOT NULL DEFAULT 0,
      -- Transports the browser reported (usb, nfc, ble, internal, hybrid), comma-separated.
      transports text NOT NULL DEFAULT '',
      -- singleDevice or multiDevice (synced), and whether it is backed up now (the flags of the last use).
      device_type text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
      backed_up boolean NOT NULL,
      -- The authenticator model's AAGUID, when it tells.
      aaguid text NOT NULL DEFAULT '',
      -- What the owner called it ("Laptop", "YubiKey").
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    )`.execute(db);
  // The account page's list, and "does this account have a passkey" on every request (resolveSession).
  await sql`CREATE INDEX staff_passkeys_user ON staff_passkeys (user_id)`.execute(db);

  await sql`
    CREATE TABLE staff_passkey_challenges (
      -- SHA-256 of the purpose and the token it is bound to (the session, the pending sign-in, or
      -- the sign-in page's own cookie): a challenge is answered only where it was asked for.
      binding_hash bytea PRIMARY KEY,
      purpose text NOT NULL CHECK (purpose IN ('register', 'sign-in', 'second-factor', 'confirm')),
      -- base64url; deleted when answered (right or wrong), so each works once.
      challenge text NOT NULL,
      -- The account asked about; null for a password-less sign-in (the passkey names the account).
      user_id uuid REFERENCES staff_users(id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL
    )`.execute(db);
  // Expired challenges are forgotten when new ones are made.
  await sql`CREATE INDEX staff_passkey_challenges_expiry ON staff_passkey_challenges (expires_at)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

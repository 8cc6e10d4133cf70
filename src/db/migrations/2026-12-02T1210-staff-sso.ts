import { sql, type Kysely } from 'kysely';

// Staff sign-in through the organisation's OpenID Connect provider (src/staff/sso/):
// identities linked to accounts by issuer and subject, and the authorization requests
// in flight (state, nonce, PKCE verifier), each usable once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff_identities (
      -- The provider's issuer URL and its subject for the person: together they name one person
      -- for good (an e-mail address can change hands, so it never links an identity alone).
      issuer text NOT NULL,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_sign_in_at timestamptz,
      -- True while the account is deactivated because the provider's groups gave it no role:
      -- then a later sign-in with a mapped group reactivates it (an admin's deactivation it never undoes).
      revoked_by_provider boolean NOT NULL DEFAULT false,
      PRIMARY KEY (issuer, subject)
    )`.execute(db);
  // The account page lists an account's linked identities.
  await sql`CREATE INDEX staff_identities_user ON staff_identities (user_id)`.execute(db);

  await sql`
    CREATE TABLE staff_sso_requests (
      -- SHA-256 of the browser's cookie value: the callback is accepted only from the browser that started it.
      token_hash bytea PRIMARY KEY,
      -- Compared with the callback's state, and the ID token's nonce, by openid-client.
      state text NOT NULL,
      nonce text NOT NULL,
      -- PKCE: sent to the token endpoint with the code; lives ten minutes at most, never logged.
      code_verifier text NOT NULL,
      -- Where to go after signing in (a checked local path).
      next text,
      -- Set when a signed-in staff member links their account to their identity from the account page.
      link_user_id uuid REFERENCES staff_users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`.execute(db);
  // Housekeeping forgets requests never finished.
  await sql`CREATE INDEX staff_sso_requests_expiry ON staff_sso_requests (expires_at)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

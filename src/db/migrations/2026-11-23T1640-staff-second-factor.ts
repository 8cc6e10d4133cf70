import { sql, type Kysely } from 'kysely';

// Second factors (TOTP) for staff sign-in (src/staff/second-factor/).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff_second_factors (
      -- One authenticator per staff member; enrolling again replaces it.
      user_id uuid PRIMARY KEY REFERENCES staff_users(id) ON DELETE CASCADE,
      -- The RFC 6238 secret (base32 text), sealed under a key derived from the instance secret
      -- (purpose "staff-totp", bound to user_id), so a database dump alone does not reveal it.
      secret_sealed bytea NOT NULL,
      -- The last 30-second time step whose code was accepted: a code of this step or an earlier one
      -- is refused (no replay). Updated with a compare-and-set so two requests cannot both use one code.
      last_used_step integer NOT NULL CHECK (last_used_step >= 0),
      enrolled_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE staff_recovery_codes (
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      -- SHA-256 of the normalised code (100 random bits, shown once at enrolment); never the code.
      code_hash bytea NOT NULL,
      -- Set when the code was used to sign in or to turn the second factor off; a used code is refused.
      used_at timestamptz,
      -- Signing in with a recovery code looks it up by (user_id, code_hash); enrolling deletes a user's codes.
      PRIMARY KEY (user_id, code_hash)
    )`.execute(db);

  await sql`
    CREATE TABLE staff_pending_sign_ins (
      -- SHA-256 of the cookie value handed out after a correct password; the value itself is never stored.
      token_hash bytea PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      -- Where to go once the second step succeeds (a local /staff path, checked at the password step).
      next text,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Five minutes after the password step; afterwards the password is asked again.
      expires_at timestamptz NOT NULL
    )`.execute(db);
  // Forgetting expired pending sign-ins (done whenever a new one is created).
  await sql`CREATE INDEX staff_pending_sign_ins_expiry ON staff_pending_sign_ins (expires_at)`.execute(db);
  // Resetting a user's second factor ends their pending sign-ins (and ON DELETE CASCADE of a user).
  await sql`CREATE INDEX staff_pending_sign_ins_user ON staff_pending_sign_ins (user_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Staff accounts managed in the product (src/staff/): invitations and password
// reset links, the append-only history of account changes, and the mail job
// that carries a link to its owner.
export async function up(db: Kysely<unknown>): Promise<void> {
  // True from the invitation until the invitee sets a password. An invited account is also
  // disabled (disabled_at set), so every "who may act" query keeps leaving it out unchanged.
  await sql`ALTER TABLE staff_users ADD COLUMN invitation_pending boolean NOT NULL DEFAULT false`.execute(db);

  await sql`
    CREATE TABLE staff_account_links (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      -- An invitation sets the first password and activates the account; a reset sets a new
      -- password and ends the account's sessions.
      purpose text NOT NULL CHECK (purpose IN ('invitation', 'password-reset')),
      -- SHA-256 of the link's 256-bit token; the token itself is never stored.
      token_hash bytea NOT NULL UNIQUE,
      -- The admin who sent it; null when sent by an operator at the command line.
      created_by uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      -- Set when used, or when a newer link of the same purpose replaced it: then it is refused.
      used_at timestamptz
    )`.execute(db);
  // A new link voids the account's earlier live links of that purpose (issueAccountLink).
  await sql`CREATE INDEX staff_account_links_live ON staff_account_links (user_id, purpose) WHERE used_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE staff_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Who made the change; null for an operator at the command line (or the system granting access).
      actor_id uuid REFERENCES staff_users(id),
      -- The account the change is about.
      subject_id uuid NOT NULL REFERENCES staff_users(id),
      -- The program of a role change; null for changes of the account itself.
      program_id uuid REFERENCES programs(id),
      type text NOT NULL CHECK (type IN ('created', 'invited', 'invitation-accepted', 'role-changed', 'deactivated', 'reactivated',
        'password-changed', 'name-changed', 'password-reset-sent', 'password-reset', 'program-access-granted')),
      -- What changed, e.g. {"from": "triager", "to": "lead"}; never a password or a token.
      detail jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  // The team page's history, newest first.
  await sql`CREATE INDEX staff_events_created ON staff_events (created_at DESC, id DESC)`.execute(db);
  // The history is evidence: rows are written once and never changed or removed.
  await sql`
    CREATE FUNCTION staff_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'staff_events is append-only';
    END
    $$`.execute(db);
  await sql`CREATE TRIGGER staff_events_append_only BEFORE UPDATE OR DELETE ON staff_events FOR EACH ROW EXECUTE FUNCTION staff_events_append_only()`.execute(db);

  // Add the new job kind to whatever the constraint allows now, so the order of
  // concurrent migrations that add kinds does not drop another one's kind.
  const current = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'jobs_kind_check' AND conrelid = 'jobs'::regclass`.execute(db);
  const kinds = new Set([...(current.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!));
  kinds.add('staff-account-mail');
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (${sql.join([...kinds].sort().map((k) => sql.lit(k)))}))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Multi-party coordination (src/coordination/, docs/coordination.md): a lead
// invites outside parties (an upstream maintainer, another vendor, a
// coordinator) into one report. Each party has its own capability link (only
// a keyed hash stored), sees only the messages shared with it, posts, and
// answers the disclosure date. Names and addresses are sealed with the
// report's data key like the rest of the report.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE coordination_parties (
      id uuid PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
      -- 1, 2, 3… per report: how the timeline names a party without its (sealed) name.
      number integer NOT NULL CHECK (number > 0),
      role text NOT NULL CHECK (role IN ('maintainer', 'vendor', 'coordinator')),
      -- { name, email } sealed with the report's data key, purpose party:<id>.
      contact_sealed bytea NOT NULL,
      -- HMAC-SHA256 of the party's link token (key derived from the instance secret).
      token_hash bytea NOT NULL UNIQUE,
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'engaged', 'fixed', 'not-affected')),
      -- The party's own expected fix date, YYYY-MM-DD.
      fix_date text CHECK (fix_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      -- The party's answer to the disclosure date: accepted the moment in disclosure_answer_at, or proposed that moment instead.
      disclosure_answer text CHECK (disclosure_answer IN ('accepted', 'proposed')),
      disclosure_answer_at timestamptz,
      disclosure_answer_time_zone text CHECK (length(disclosure_answer_time_zone) <= 64),
      invited_by uuid REFERENCES staff_users (id),
      first_opened_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      UNIQUE (report_id, number),
      CHECK ((disclosure_answer IS NULL) = (disclosure_answer_at IS NULL))
    )`.execute(db);
  await sql`
    CREATE TABLE coordination_messages (
      id uuid PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
      -- The party that wrote it; NULL when a staff member did (author_id).
      party_id uuid REFERENCES coordination_parties (id) ON DELETE CASCADE,
      author_id uuid REFERENCES staff_users (id),
      -- Sealed with the report's data key, purpose coordination-message:<id>.
      body_sealed bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((party_id IS NULL) <> (author_id IS NULL))
    )`.execute(db);
  // The staff panel's and a party page's coordination thread.
  await sql`CREATE INDEX coordination_messages_report ON coordination_messages (report_id, created_at)`.execute(db);
  await sql`
    CREATE TABLE coordination_shares (
      id uuid PRIMARY KEY,
      party_id uuid NOT NULL REFERENCES coordination_parties (id) ON DELETE CASCADE,
      -- Exactly one: a message of the report's thread, or of the coordination thread.
      thread_message_id uuid REFERENCES report_messages (id) ON DELETE CASCADE,
      coordination_message_id uuid REFERENCES coordination_messages (id) ON DELETE CASCADE,
      shared_by uuid REFERENCES staff_users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((thread_message_id IS NULL) <> (coordination_message_id IS NULL))
    )`.execute(db);
  // What a party may read (its page); one share per party and message.
  await sql`CREATE UNIQUE INDEX coordination_shares_thread ON coordination_shares (party_id, thread_message_id) WHERE thread_message_id IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX coordination_shares_coordination ON coordination_shares (party_id, coordination_message_id) WHERE coordination_message_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE coordination_reporter_choices (
      report_id uuid PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
      -- The reporter agreed to be named to the invited parties (default: not named).
      named boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    INSERT INTO report_event_types (type) VALUES ('party-invited'), ('party-revoked'), ('party-opened'), ('party-message-shared'),
      ('party-posted'), ('party-status-set'), ('party-disclosure-answered'), ('reporter-naming-changed')`.execute(db);
  // Add the new job kind to whatever the constraint allows now (other migrations add kinds too).
  const current = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'jobs_kind_check' AND conrelid = 'jobs'::regclass`.execute(db);
  const kinds = new Set([...(current.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!));
  kinds.add('party-mail');
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (${sql.join([...kinds].sort().map((k) => sql.lit(k)))}))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

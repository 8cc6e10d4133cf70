import { sql, type Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it
// was on the day they were written.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE programs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      config jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE policy_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id),
      version integer NOT NULL CHECK (version > 0),
      sections jsonb NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (program_id, version)
    )`.execute(db);

  await sql`
    CREATE TABLE staff_users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX staff_users_email ON staff_users (lower(email))`.execute(db);

  await sql`
    CREATE TABLE memberships (
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('admin', 'lead', 'triager', 'viewer')),
      PRIMARY KEY (user_id, program_id)
    )`.execute(db);

  await sql`
    CREATE TABLE sessions (
      token_hash bytea PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE setup_tokens (
      token_hash bytea PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE report_counters (
      program_id uuid NOT NULL REFERENCES programs(id),
      year integer NOT NULL,
      last_number integer NOT NULL,
      PRIMARY KEY (program_id, year)
    )`.execute(db);

  await sql`
    CREATE TABLE reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id),
      reference text NOT NULL UNIQUE,
      channel text NOT NULL CHECK (channel IN ('web', 'email', 'api')),
      state text NOT NULL CHECK (state IN ('new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed',
        'needs-info', 'duplicate', 'not-applicable', 'spam', 'closed')),
      resume_state text CHECK (resume_state IN ('new', 'acknowledged', 'triaged', 'fixing', 'fixed')),
      -- Report contents are sealed at rest (src/crypto/report-vault.ts): the report's own AES-256 data key,
      -- wrapped under a key derived from the instance secret, which never enters the database.
      data_key bytea NOT NULL,
      title_sealed bytea NOT NULL,
      -- JSON { description, stepsToReproduce, impact }.
      content_sealed bytea NOT NULL,
      -- JSON { name, handle, email }: the reporter's identity is personal data.
      reporter_sealed bytea NOT NULL,
      -- Blind index: keyed hashes of the words of title, product, type, description and impact.
      search_terms text[] NOT NULL,
      -- In clear so the inbox can filter, sort and count without opening every report.
      product text NOT NULL,
      product_version text NOT NULL,
      vulnerability_type text NOT NULL,
      reporter_cvss_vector text,
      credit_preference text NOT NULL CHECK (credit_preference IN ('name', 'handle', 'anonymous', 'none')),
      policy_version_id uuid NOT NULL REFERENCES policy_versions(id),
      policy_accepted_at timestamptz NOT NULL,
      tracking_token_hash bytea NOT NULL UNIQUE,
      assignee_id uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // Inbox default order and its keyset pagination (newest first, oldest first).
  await sql`CREATE INDEX reports_inbox_created ON reports (program_id, created_at, id)`.execute(db);
  // Inbox "recently updated" order.
  await sql`CREATE INDEX reports_inbox_updated ON reports (program_id, updated_at, id)`.execute(db);
  // Inbox state filter (open/closed views) with the default order.
  await sql`CREATE INDEX reports_inbox_state ON reports (program_id, state, created_at, id)`.execute(db);
  // Inbox free-text search (`search_terms @> ARRAY[…]`) and duplicate candidates (`search_terms && ARRAY[…]`).
  await sql`CREATE INDEX reports_search_terms ON reports USING gin (search_terms)`.execute(db);

  await sql`
    CREATE TABLE report_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      author_kind text NOT NULL CHECK (author_kind IN ('reporter', 'staff')),
      author_id uuid REFERENCES staff_users(id),
      visibility text NOT NULL CHECK (visibility IN ('reporter', 'internal')),
      -- Sealed with the report's data key, bound to the message id (the application chooses the id).
      body_sealed bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (author_kind = 'staff' OR visibility = 'reporter'),
      CHECK ((author_kind = 'staff') = (author_id IS NOT NULL))
    )`.execute(db);
  // Thread of one report in order.
  await sql`CREATE INDEX report_messages_report ON report_messages (report_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE report_attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      message_id uuid REFERENCES report_messages(id) ON DELETE CASCADE,
      -- Name and content sealed with the report's data key, bound to the attachment id.
      filename_sealed bytea NOT NULL,
      content_type text NOT NULL,
      -- Of the plaintext, for display and integrity checks.
      size integer NOT NULL CHECK (size >= 0),
      sha256 text NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // Attachments of one report.
  await sql`CREATE INDEX report_attachments_report ON report_attachments (report_id)`.execute(db);

  await sql`
    CREATE TABLE report_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      actor_kind text NOT NULL CHECK (actor_kind IN ('reporter', 'staff', 'system')),
      actor_id uuid REFERENCES staff_users(id),
      type text NOT NULL CHECK (type IN ('submitted', 'state-changed', 'assigned', 'reporter-replied',
        'staff-replied', 'note-added')),
      data jsonb NOT NULL DEFAULT '{}',
      reporter_visible boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // Timeline of one report.
  await sql`CREATE INDEX report_events_report ON report_events (report_id, id)`.execute(db);

  await sql`
    CREATE TABLE jobs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('notify-reporter')),
      payload jsonb NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL DEFAULT 8,
      run_at timestamptz NOT NULL DEFAULT now(),
      locked_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`.execute(db);
  // The worker's claim query: due pending jobs, oldest first.
  await sql`CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('pending', 'running')`.execute(db);

  await sql`
    CREATE TABLE rate_limits (
      key text PRIMARY KEY,
      hits integer NOT NULL,
      window_ends_at timestamptz NOT NULL
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The initial migration cannot be reverted; restore a backup instead.');
}

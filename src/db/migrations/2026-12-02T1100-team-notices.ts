import { sql, type Kysely } from 'kysely';

// The team hears about new work (src/team-notices/): each person's choice per kind of notice,
// the log of notices the digest reads, and which digest covered what.
export async function up(db: Kysely<unknown>): Promise<void> {
  const delivery = (column: string, fallback: string) =>
    sql.raw(`${column} text NOT NULL DEFAULT '${fallback}' CHECK (${column} IN ('immediate', 'digest', 'never'))`);
  await sql`
    CREATE TABLE notification_preferences (
      user_id uuid PRIMARY KEY REFERENCES staff_users(id) ON DELETE CASCADE,
      ${delivery('new_report', 'immediate')},
      ${delivery('reporter_reply', 'immediate')},
      ${delivery('disclosure_proposal', 'digest')},
      ${delivery('quarantine_released', 'digest')},
      -- Quarantined arrivals are never mailed one by one: the digest or nothing.
      quarantined text NOT NULL DEFAULT 'digest' CHECK (quarantined IN ('digest', 'never')),
      -- Local hour (program time zone) from which the day's digest goes out.
      digest_hour smallint NOT NULL DEFAULT 9 CHECK (digest_hour BETWEEN 0 AND 23),
      -- Only on the program calendar's working days (what piled up since comes the next one).
      digest_working_days_only boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE team_notices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- The event that caused it; unique so a retried fan-out notices it once.
      event_id bigint NOT NULL UNIQUE REFERENCES report_events(id) ON DELETE CASCADE,
      program_id uuid NOT NULL REFERENCES programs(id),
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('new-report', 'reporter-reply', 'disclosure-proposal', 'quarantine-released')),
      -- A new report the spam signals quarantined: digest only.
      quarantined boolean NOT NULL DEFAULT false,
      -- The staff member whose action it was (a release): not told of their own action.
      actor_id uuid REFERENCES staff_users(id),
      noticed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A digest: the program's notices in its window (src/team-notices/team-digest.ts).
  await sql`CREATE INDEX team_notices_program_time ON team_notices (program_id, noticed_at)`.execute(db);

  await sql`
    CREATE TABLE team_digests (
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      program_id uuid NOT NULL REFERENCES programs(id),
      -- The local day (program time zone) it was sent on: one per person, program and day.
      day date NOT NULL,
      -- Notices up to this moment are in it; the next digest starts here.
      covered_until timestamptz NOT NULL,
      PRIMARY KEY (user_id, program_id, day)
    )`.execute(db);

  // Add the new job kinds to whatever the constraint allows now (other migrations add kinds too).
  const current = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'jobs_kind_check' AND conrelid = 'jobs'::regclass`.execute(db);
  const kinds = new Set([...(current.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!));
  for (const kind of ['notify-team', 'team-mail', 'team-digest']) kinds.add(kind);
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (${sql.join([...kinds].sort().map((k) => sql.lit(k)))}))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// The two-person rule (src/approvals/): per program, closing a report as not
// applicable or spam, and publishing an advisory for the first time, wait for a
// second staff member's approval (a lead or admin, not the requester).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Off by default; an admin turns it on at /staff/approvals.
  await sql`ALTER TABLE programs ADD COLUMN two_person_rule boolean NOT NULL DEFAULT false`.execute(db);
  await sql`
    CREATE TABLE approval_requests (
      -- Made by the application: the sealed note is bound to it.
      id uuid PRIMARY KEY,
      program_id uuid NOT NULL REFERENCES programs(id),
      report_id uuid REFERENCES reports(id),
      advisory_id uuid REFERENCES advisories(id),
      action text NOT NULL CHECK (action IN ('close-not-applicable', 'close-spam', 'publish-advisory')),
      -- The request's choices in clear: a closure category, a block choice, a content hash. Never words.
      params jsonb NOT NULL DEFAULT '{}',
      -- The requester's note to the reporter (closing as not applicable), sealed with the report's key, purpose approval-note:<id>.
      note_sealed bytea,
      requested_by uuid NOT NULL REFERENCES staff_users(id),
      requested_at timestamptz NOT NULL DEFAULT now(),
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
      decided_by uuid REFERENCES staff_users(id),
      decided_at timestamptz,
      CHECK ((report_id IS NOT NULL) OR (advisory_id IS NOT NULL)),
      CHECK ((state = 'pending') = (decided_by IS NULL))
    )`.execute(db);
  // One open request per report and per advisory: asking again shows the one waiting.
  await sql`CREATE UNIQUE INDEX approval_requests_pending_report ON approval_requests (report_id) WHERE state = 'pending' AND advisory_id IS NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX approval_requests_pending_advisory ON approval_requests (advisory_id) WHERE state = 'pending' AND advisory_id IS NOT NULL`.execute(db);
  // The team's list of what waits (src/approvals/list-approvals.ts).
  await sql`CREATE INDEX approval_requests_program_pending ON approval_requests (program_id, requested_at) WHERE state = 'pending'`.execute(db);
  await sql`INSERT INTO report_event_types (type) VALUES ('approval-requested'), ('approval-granted'), ('approval-declined') ON CONFLICT DO NOTHING`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

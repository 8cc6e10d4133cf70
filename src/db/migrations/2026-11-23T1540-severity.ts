import { sql, type Kysely } from 'kysely';

// Triage: the team's severity and weakness, the evaluation step, duplicates, the
// denormalised next SLA deadline, and what the reminder sweep has already sent.
// Never imports application code: the lists below are the values of this day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reports
      -- The team's own CVSS 3.1/4.0 vector, validated and scored before it is stored; the reporter's stays in reporter_cvss_vector.
      ADD COLUMN team_cvss_vector text,
      ADD COLUMN team_cvss_score numeric(3, 1) CHECK (team_cvss_score BETWEEN 0 AND 10),
      -- The team's severity: from its CVSS score, drives the remediation target.
      ADD COLUMN severity text CHECK (severity IN ('none', 'low', 'medium', 'high', 'critical')),
      -- A weakness id from the shipped CWE list (src/data/cwe-list.json).
      ADD COLUMN cwe_id integer CHECK (cwe_id > 0),
      -- The date promised to the reporter with the evaluation; moving it later needs a reason.
      ADD COLUMN expected_resolution_date date,
      -- The evaluation sent to the reporter when acknowledging (also in the thread as a message),
      -- sealed with the report's data key like the rest of its contents.
      ADD COLUMN evaluation_sealed bytea,
      -- Earliest due time of the report's open SLA clocks, recomputed in the transaction of every event.
      ADD COLUMN next_deadline_at timestamptz,
      -- The original when this report is a duplicate; never shown to the duplicate's reporter beyond its status.
      ADD COLUMN duplicate_of uuid REFERENCES reports(id),
      -- Why a report was closed as not applicable; shown to the reporter.
      ADD COLUMN closure_reason text CHECK (closure_reason IN ('out-of-scope', 'not-a-vulnerability', 'informative', 'cannot-reproduce')),
      ADD CONSTRAINT reports_cvss_pair CHECK ((team_cvss_vector IS NULL) = (team_cvss_score IS NULL)),
      ADD CONSTRAINT reports_not_own_duplicate CHECK (duplicate_of <> id)`.execute(db);
  // The inbox "Due" view (listDueReports): a program's reports by nearest deadline.
  await sql`CREATE INDEX reports_due ON reports (program_id, next_deadline_at, id) WHERE next_deadline_at IS NOT NULL`.execute(db);
  // The original's duplicates (the report page's "duplicates of this report").
  await sql`CREATE INDEX reports_duplicate_of ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL`.execute(db);

  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`
    ALTER TABLE report_events ADD CONSTRAINT report_events_type_check CHECK (type IN ('submitted', 'state-changed',
      'assigned', 'reporter-replied', 'staff-replied', 'note-added', 'credit-changed',
      'severity-set', 'cwe-set', 'evaluation-sent', 'resolution-date-changed', 'duplicate-marked'))`.execute(db);

  // Every kind in the tree today, including the mail intake's (2026-11-23T1520-mail), plus the SLA sweep and its mails.
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`
    ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
      CHECK (kind IN ('notify-reporter', 'process-inbound-mail', 'mail-acknowledgement', 'sla-sweep', 'sla-mail'))`.execute(db);
  // At most one sweep waits to run, however many processes schedule it (scheduleSlaSweep's ON CONFLICT).
  await sql`CREATE UNIQUE INDEX jobs_one_pending_sla_sweep ON jobs (kind) WHERE kind = 'sla-sweep' AND state = 'pending'`.execute(db);

  await sql`
    CREATE TABLE sla_reminders (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      clock text NOT NULL CHECK (clock IN ('first-response', 'triage', 'remediation', 'update-nudge')),
      -- near-breach and breach go to the assignee; escalation to the program's leads and admins.
      threshold text NOT NULL CHECK (threshold IN ('near-breach', 'breach', 'escalation')),
      -- The deadline it was about: a deadline moved by a pause is a new one and may be reminded again.
      due_at timestamptz NOT NULL,
      recipient_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Once per clock, threshold, deadline and person: the sweep's ON CONFLICT DO NOTHING.
      UNIQUE (report_id, clock, threshold, due_at, recipient_id)
    )`.execute(db);

  await sql`
    CREATE TABLE sla_digests (
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      -- The recipient's working day (program time zone) it covered; one digest per person and day.
      day date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, day)
    )`.execute(db);
  // The daily SLA digest is on unless the person opts out.
  await sql`ALTER TABLE staff_users ADD COLUMN sla_digest boolean NOT NULL DEFAULT true`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

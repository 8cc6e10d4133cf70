import { sql, type Kysely } from 'kysely';

// EU Cyber Resilience Act, Article 14 (src/cra/, docs/cra.md): a report can be
// marked as an actively exploited vulnerability or a severe incident, with the
// moment the team became aware; the three reporting clocks count from there.
// Each submission to the single reporting platform is recorded; each step's
// draft is sealed with the report's data key like other report texts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE cra_cases (
      id uuid PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('exploited-vulnerability', 'severe-incident')),
      -- When the team became aware of the exploitation or incident: every clock counts from here.
      aware_at timestamptz NOT NULL,
      -- When a corrective or mitigating measure became available (Art. 14(2)(c): the final report's 14 days).
      measure_available_at timestamptz,
      marked_by uuid REFERENCES staff_users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (report_id, kind)
    )`.execute(db);
  // The SLA sweep and the Due view read every case (few: a case is a rare, grave event).
  await sql`
    CREATE TABLE cra_submissions (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cra_cases (id) ON DELETE CASCADE,
      step text NOT NULL CHECK (step IN ('early-warning', 'notification', 'final-report')),
      submitted_at timestamptz NOT NULL,
      channel text NOT NULL CHECK (channel IN ('single-reporting-platform', 'csirt-other', 'other')),
      -- The reference the CSIRT or the platform gave (not report contents).
      csirt_reference text NOT NULL DEFAULT '' CHECK (length(csirt_reference) <= 200),
      recorded_by uuid REFERENCES staff_users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A case's submissions, on its panel.
  await sql`CREATE INDEX cra_submissions_case ON cra_submissions (case_id, submitted_at)`.execute(db);
  await sql`
    CREATE TABLE cra_drafts (
      case_id uuid NOT NULL REFERENCES cra_cases (id) ON DELETE CASCADE,
      step text NOT NULL CHECK (step IN ('early-warning', 'notification', 'final-report')),
      -- The draft's fields as JSON, sealed with the report's data key (purpose cra-draft:<case>:<step>).
      fields_sealed bytea NOT NULL,
      updated_by uuid REFERENCES staff_users (id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, step)
    )`.execute(db);
  await sql`
    INSERT INTO report_event_types (type) VALUES ('cra-marked'), ('cra-measure-available'), ('cra-submission-recorded'),
      ('cra-draft-saved'), ('cra-users-informed')`.execute(db);
  // The CRA clocks remind and escalate through the SLA reminders (src/cra/cra-sweep.ts).
  await sql`ALTER TABLE sla_reminders DROP CONSTRAINT sla_reminders_clock_check`.execute(db);
  await sql`
    ALTER TABLE sla_reminders ADD CONSTRAINT sla_reminders_clock_check CHECK (clock IN ('first-response', 'triage', 'remediation',
      'update-nudge', 'disclosure', 'cra-vuln-early-warning', 'cra-vuln-notification', 'cra-vuln-final-report',
      'cra-incident-early-warning', 'cra-incident-notification', 'cra-incident-final-report'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

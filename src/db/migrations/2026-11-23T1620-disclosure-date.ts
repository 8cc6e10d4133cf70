import { sql, type Kysely } from 'kysely';

// The agreed disclosure date of a report (src/disclosure/).
export async function up(db: Kysely<unknown>): Promise<void> {
  // The current proposal or agreement; its history is the report's events
  // (disclosure-date-proposed, disclosure-date-agreed). All four are set together.
  await sql`
    ALTER TABLE reports
      -- The public disclosure moment, as an instant; shown in disclosure_time_zone.
      ADD COLUMN disclosure_at timestamptz,
      -- The IANA zone the date was written in (e.g. Europe/Amsterdam); the wall time people agreed on.
      ADD COLUMN disclosure_time_zone text,
      -- proposed-by-team / proposed-by-reporter wait for the other side; agreed: both said yes.
      ADD COLUMN disclosure_status text CHECK (disclosure_status IN ('proposed-by-team', 'proposed-by-reporter', 'agreed')),
      -- Who proposed the current date (still known once it is agreed).
      ADD COLUMN disclosure_proposed_by text CHECK (disclosure_proposed_by IN ('team', 'reporter')),
      ADD CONSTRAINT reports_disclosure_complete CHECK (
        (disclosure_at IS NULL) = (disclosure_time_zone IS NULL)
        AND (disclosure_at IS NULL) = (disclosure_status IS NULL)
        AND (disclosure_at IS NULL) = (disclosure_proposed_by IS NULL))`.execute(db);
  // The SLA sweep's disclosure pass (src/disclosure/disclosure-sweep.ts): agreed dates coming up or passed.
  await sql`CREATE INDEX reports_disclosure_agreed ON reports (disclosure_at) WHERE disclosure_status = 'agreed'`.execute(db);

  // Every type of 2026-11-23T1600-advisories, plus proposals and agreements of the disclosure date.
  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`
    ALTER TABLE report_events ADD CONSTRAINT report_events_type_check CHECK (type IN ('submitted', 'state-changed',
      'assigned', 'reporter-replied', 'staff-replied', 'note-added', 'credit-changed',
      'severity-set', 'cwe-set', 'evaluation-sent', 'resolution-date-changed', 'duplicate-marked',
      'quarantined', 'quarantine-released', 'sender-blocked', 'ssvc-set', 'advisory-published',
      'disclosure-date-proposed', 'disclosure-date-agreed'))`.execute(db);

  // The disclosure date's reminders share the SLA reminders' once-only key: clock 'disclosure',
  // due_at the agreed moment (a moved date is a new one), thresholds days before it, the escalation
  // when it passed with nothing published, and the team's notice of the reporter's answer.
  await sql`ALTER TABLE sla_reminders DROP CONSTRAINT sla_reminders_clock_check`.execute(db);
  await sql`
    ALTER TABLE sla_reminders ADD CONSTRAINT sla_reminders_clock_check
      CHECK (clock IN ('first-response', 'triage', 'remediation', 'update-nudge', 'disclosure'))`.execute(db);
  await sql`ALTER TABLE sla_reminders DROP CONSTRAINT sla_reminders_threshold_check`.execute(db);
  await sql`
    ALTER TABLE sla_reminders ADD CONSTRAINT sla_reminders_threshold_check
      CHECK (threshold IN ('near-breach', 'breach', 'escalation', '7-days-before', '1-day-before', 'reporter-proposed', 'reporter-agreed'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Spam defence with local signals only: a quarantine flag on reports, the
// submitter's declaration of AI assistance, a keyed hash of the submitting
// address (to block it later), and a block list of senders. Addresses are
// stored only as HMACs keyed from the instance secret (src/triage/sender-hash.ts).
// Never imports application code: the lists below are the values of this day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reports
      -- Looked like spam when submitted: stored and acknowledged, but listed in the Quarantine tab until released or closed.
      ADD COLUMN quarantined boolean NOT NULL DEFAULT false,
      -- Why (signal codes of src/triage/spam-signals.ts); kept after release for the record.
      ADD COLUMN quarantine_reasons text[] NOT NULL DEFAULT '{}',
      -- "I used AI tools to find or write this report", when the submitter answered.
      ADD COLUMN ai_assistance text CHECK (ai_assistance IN ('no', 'writing', 'finding')),
      -- HMAC of the submitting IP address (web form only), so "block this sender" can block it.
      ADD COLUMN submitter_ip_hash bytea,
      ADD CONSTRAINT reports_quarantine_has_reason CHECK (NOT quarantined OR cardinality(quarantine_reasons) > 0)`.execute(db);
  // The Quarantine tab (listQuarantine) and the inbox leaving those reports out: few rows, so a partial index.
  await sql`CREATE INDEX reports_quarantined ON reports (program_id, created_at DESC, id) WHERE quarantined`.execute(db);

  await sql`
    CREATE TABLE blocked_senders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('email', 'ip')),
      -- HMAC-SHA256 of the normalised address; the address itself is never stored.
      value_hash bytea NOT NULL CHECK (octet_length(value_hash) = 32),
      reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
      -- The report that led to the block, if any.
      report_id uuid REFERENCES reports(id) ON DELETE SET NULL,
      blocked_by uuid REFERENCES staff_users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- isBlocked at submission looks up (program, kind, hash); blocking twice is a no-op (ON CONFLICT).
      UNIQUE (program_id, kind, value_hash)
    )`.execute(db);

  // Every type of 2026-11-23T1540-severity, plus the quarantine's own.
  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`
    ALTER TABLE report_events ADD CONSTRAINT report_events_type_check CHECK (type IN ('submitted', 'state-changed',
      'assigned', 'reporter-replied', 'staff-replied', 'note-added', 'credit-changed',
      'severity-set', 'cwe-set', 'evaluation-sent', 'resolution-date-changed', 'duplicate-marked',
      'quarantined', 'quarantine-released', 'sender-blocked'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

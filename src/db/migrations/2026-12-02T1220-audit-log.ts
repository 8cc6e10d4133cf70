import { sql, type Kysely } from 'kysely';

// The audit log (src/audit/): who did or read what, when; append-only and
// hash-chained. Each entry holds the HMAC (key derived from the instance
// secret, which is never in the database) of its canonical content and of the
// previous entry's MAC, so editing or deleting an entry breaks the chain at that
// entry and someone holding only the database cannot forge a new chain.
// Appends are serialised on the one row of audit_chain_head (SELECT … FOR
// UPDATE), so the chain never forks even across processes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      -- 1, 2, 3… in chain order, assigned from audit_chain_head under its lock (no gaps: a gap is a deleted entry).
      seq bigint PRIMARY KEY,
      at timestamptz NOT NULL,
      -- Who: a staff member, an API token, an operator at the command line, or the system (housekeeping).
      actor_kind text NOT NULL CHECK (actor_kind IN ('staff', 'api-token', 'operator', 'system', 'anonymous')),
      -- staff_users.id or api_tokens.id (no foreign key: the log outlives what it names).
      actor_id text,
      -- What, e.g. sign-in, report.viewed, report.state-changed (src/audit/audit-actions.ts).
      action text NOT NULL CHECK (action ~ '^[a-z0-9.-]{1,64}$'),
      outcome text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed', 'pending')),
      report_id uuid,
      -- Another object acted on: a staff member, an attachment, an advisory, a key fingerprint, a route kind.
      target text,
      -- HMAC of the client's IP address (key derived from the instance secret), never the address.
      ip_hash text,
      -- Canonical JSON of ids and choices (never report text or addresses), hashed as stored.
      details text NOT NULL DEFAULT '{}',
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`.execute(db);
  // The staff page's filters (src/audit/list-audit.ts), newest first.
  await sql`CREATE INDEX audit_log_actor ON audit_log (actor_id, seq)`.execute(db);
  await sql`CREATE INDEX audit_log_action ON audit_log (action, seq)`.execute(db);
  await sql`CREATE INDEX audit_log_report ON audit_log (report_id, seq)`.execute(db);
  // Date range filter and retention pruning (src/audit/prune-audit.ts).
  await sql`CREATE INDEX audit_log_at ON audit_log (at)`.execute(db);
  // The chain's head: the last entry's seq and hash. One row, locked by every append.
  await sql`
    CREATE TABLE audit_chain_head (
      id smallint PRIMARY KEY CHECK (id = 1),
      seq bigint NOT NULL,
      hash text NOT NULL
    )`.execute(db);
  await sql`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, ${'0'.repeat(64)})`.execute(db);
  // Entries are never changed; pruning deletes the oldest (and records a checkpoint). Someone with
  // the database can drop this trigger: the chain, not the trigger, is what makes a change evident.
  await sql`
    CREATE FUNCTION audit_log_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log entries are never changed';
    END $$`.execute(db);
  await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_no_update()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

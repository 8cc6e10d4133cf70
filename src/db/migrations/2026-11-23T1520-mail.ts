import { sql, type Kysely } from 'kysely';

// E-mail in and out: the raw messages received (evidence), every outbound
// delivery attempt, reporters' own OpenPGP keys, and the lease that keeps one
// IMAP poller per mailbox. Never imports application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE inbound_mails (
      id uuid PRIMARY KEY,
      program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
      -- The report it created or joined; null while pending and for ignored mail.
      report_id uuid REFERENCES reports(id) ON DELETE CASCADE,
      source text NOT NULL CHECK (source IN ('smtp', 'imap')),
      -- SMTP MAIL FROM ('' for the null sender <>); null when unknown (IMAP).
      envelope_from text,
      envelope_to text[] NOT NULL DEFAULT '{}',
      -- Message-ID header without angle brackets, when present.
      message_id text,
      -- sha256 of (Message-ID, body): the same mail delivered twice is stored once.
      dedupe_key bytea NOT NULL,
      size integer NOT NULL CHECK (size >= 0),
      raw_sha256 text NOT NULL CHECK (raw_sha256 ~ '^[0-9a-f]{64}$'),
      -- The message exactly as received, AES-256-GCM under a key derived from the instance secret.
      raw_sealed bytea NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      outcome text NOT NULL DEFAULT 'pending'
        CHECK (outcome IN ('pending', 'new-report', 'reply', 'auto-reply', 'bounce', 'ignored')),
      decryption text CHECK (decryption IN ('not-encrypted', 'decrypted', 'failed')),
      signature text CHECK (signature IN ('unsigned', 'valid', 'invalid', 'unknown-key')),
      signer_fingerprint text,
      -- Why decryption failed or the mail was ignored, in words staff can act on.
      detail text,
      CHECK ((outcome = 'pending') = (processed_at IS NULL)),
      -- Serves the dedupe upsert of storeInboundMail.
      UNIQUE (program_id, dedupe_key)
    )`.execute(db);
  // findThreadByMessageIds: In-Reply-To/References against mail we received.
  await sql`CREATE INDEX inbound_mails_message_id ON inbound_mails (message_id) WHERE message_id IS NOT NULL`.execute(db);
  // mailEvidence and threading headers: the mails of one report in order.
  await sql`CREATE INDEX inbound_mails_report ON inbound_mails (report_id, received_at) WHERE report_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE mail_deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id bigint REFERENCES jobs(id) ON DELETE SET NULL,
      report_id uuid REFERENCES reports(id) ON DELETE CASCADE,
      template text NOT NULL CHECK (template IN ('acknowledgement', 'reporter-update')),
      to_address text NOT NULL,
      -- Without angle brackets; the same for every attempt of one job so receivers can deduplicate.
      message_id text NOT NULL,
      attempt integer NOT NULL CHECK (attempt > 0),
      -- sent: relay said 2xx; failed: temporary, retried; rejected: 5xx, not retried; skipped: decided not to send.
      result text NOT NULL CHECK (result IN ('sent', 'failed', 'rejected', 'skipped')),
      encrypted boolean NOT NULL,
      smtp_response text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // findThreadByMessageIds: In-Reply-To/References against mail we sent.
  await sql`CREATE INDEX mail_deliveries_message_id ON mail_deliveries (message_id)`.execute(db);
  // threadHeaders and deliveryHistory: what was sent about one report, in order.
  await sql`CREATE INDEX mail_deliveries_report ON mail_deliveries (report_id, created_at)`.execute(db);
  // recentAcknowledgements: the per-address cap on acknowledgements (loop and backscatter protection).
  await sql`CREATE INDEX mail_deliveries_to ON mail_deliveries (lower(to_address), created_at)`.execute(db);

  await sql`
    CREATE TABLE reporter_keys (
      report_id uuid PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
      fingerprint text NOT NULL CHECK (fingerprint ~ '^([0-9a-f]{40}|[0-9a-f]{64})$'),
      -- The public key only, re-armored after validation.
      public_key_armored text NOT NULL,
      source text NOT NULL CHECK (source IN ('email', 'web', 'api')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE mail_leases (
      -- e.g. imap:<host>/<mailbox>
      name text PRIMARY KEY,
      holder text NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);

  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`
    ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
      CHECK (kind IN ('notify-reporter', 'process-inbound-mail', 'mail-acknowledgement'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Early customer notices (issue 15, src/early-notices/): before an advisory is public, a lead or admin
// sends a TLP:AMBER notice to the confirmed subscribers of the affected products, signed with the
// program key, through the mail outbox. The notice's words are embargoed: sealed with the report's key.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE early_notices (
      -- Chosen by the application (randomUUID): the sealed text is bound to it.
      id uuid PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports(id),
      program_id uuid NOT NULL REFERENCES programs(id),
      -- The affected product ids of the program: only their confirmed subscribers (or those following all products) hear.
      products text[] NOT NULL CHECK (cardinality(products) > 0),
      -- Title, severity, summary, mitigation and expected fix date as JSON, sealed with the report's key (purpose early-notice:<id>).
      content_sealed bytea NOT NULL,
      -- SHA-256 of the canonical content: what a second person approves under the two-person rule is exactly what is sent.
      content_hash text NOT NULL,
      -- Always TLP:AMBER today; kept so the mail, the timeline and a CSAF document say the same.
      tlp text NOT NULL DEFAULT 'AMBER' CHECK (tlp IN ('AMBER')),
      state text NOT NULL DEFAULT 'awaiting-approval' CHECK (state IN ('awaiting-approval', 'sent')),
      created_by uuid NOT NULL REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      -- How many subscribers it was queued for when it was sent (the timeline says the same; never who).
      recipients integer,
      CHECK ((state = 'sent') = (sent_at IS NOT NULL AND recipients IS NOT NULL))
    )`.execute(db);
  // The notices of a report (the early notice page lists them).
  await sql`CREATE INDEX early_notices_report ON early_notices (report_id, created_at)`.execute(db);
  await sql`
    CREATE TABLE early_notice_recipients (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      notice_id uuid NOT NULL REFERENCES early_notices(id),
      -- Removing a subscriber forgets that they were sent it; a pending mail then sends nothing.
      subscriber_id uuid NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Accepted by the relay (or refused for good); a re-run job then sends nothing.
      sent_at timestamptz
    )`.execute(db);
  // One mail per subscriber and notice, however often the sending runs.
  await sql`CREATE UNIQUE INDEX early_notice_recipients_once ON early_notice_recipients (notice_id, subscriber_id)`.execute(db);
  // ON DELETE CASCADE when a subscriber is removed or unsubscribes.
  await sql`CREATE INDEX early_notice_recipients_subscriber ON early_notice_recipients (subscriber_id)`.execute(db);

  // Its mails are recorded like the other subscriber mails.
  await sql`ALTER TABLE subscriber_mail_deliveries DROP CONSTRAINT subscriber_mail_deliveries_template_check`.execute(db);
  await sql`
    ALTER TABLE subscriber_mail_deliveries ADD CONSTRAINT subscriber_mail_deliveries_template_check
      CHECK (template IN ('subscription-confirm', 'subscription-manage', 'advisory-notice', 'early-notice'))`.execute(db);
  // Sending one counts as publishing under the two-person rule (docs/subscriptions.md).
  await sql`ALTER TABLE approval_requests DROP CONSTRAINT approval_requests_action_check`.execute(db);
  await sql`
    ALTER TABLE approval_requests ADD CONSTRAINT approval_requests_action_check
      CHECK (action IN ('close-not-applicable', 'close-spam', 'publish-advisory', 'send-early-notice'))`.execute(db);
  await sql`INSERT INTO report_event_types (type) VALUES ('early-notice-sent') ON CONFLICT DO NOTHING`.execute(db);
  // Add the new job kind to whatever the constraint allows now (other migrations add kinds too).
  const current = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'jobs_kind_check' AND conrelid = 'jobs'::regclass`.execute(db);
  const kinds = new Set([...(current.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!));
  kinds.add('mail-early-notice');
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (${sql.join([...kinds].sort().map((k) => sql.lit(k)))}))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

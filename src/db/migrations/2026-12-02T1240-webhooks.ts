import { sql, type Kysely } from 'kysely';

// Outgoing webhooks per program (src/webhooks/, docs/integrations.md): the
// team chooses the events; each delivery is signed (Standard Webhooks), goes
// through the job queue, and every attempt is kept for the admins' page.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhooks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id),
      url text NOT NULL CHECK (length(url) <= 2000),
      -- Events it receives: report.received, report.state-changed, report.reporter-message, report.sla-breach, advisory.published.
      events text[] NOT NULL,
      -- Off by default: deliveries carry ids, states and links only; on: also the report's title and the reporter's message.
      include_contents boolean NOT NULL DEFAULT false,
      -- The signing secret (whsec_…), sealed with the instance secret (purpose webhook-secret, bound to the id).
      secret_sealed bytea NOT NULL,
      created_by uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // recordEvent's INSERT … SELECT: the program's webhooks, on every event that may be delivered.
  await sql`CREATE INDEX webhooks_program ON webhooks (program_id)`.execute(db);
  await sql`
    CREATE TABLE webhook_deliveries (
      -- Also the message id (webhook-id header): the receiver's idempotency key across retries.
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
      event text NOT NULL,
      report_id uuid REFERENCES reports(id) ON DELETE CASCADE,
      -- The timeline event that caused it, when one did (its data says e.g. the new state).
      event_id bigint REFERENCES report_events(id) ON DELETE CASCADE,
      advisory_id uuid REFERENCES advisories(id) ON DELETE CASCADE,
      -- Once per webhook and key (an SLA breach: report, clock and deadline), however often the sweep sees it.
      dedupe_key text,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
      occurred_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (webhook_id, dedupe_key)
    )`.execute(db);
  // The admins' page: a webhook's latest deliveries.
  await sql`CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, occurred_at DESC)`.execute(db);
  await sql`
    CREATE TABLE webhook_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
      attempted_at timestamptz NOT NULL DEFAULT now(),
      -- The receiver's HTTP status; null when none came (refused address, timeout, connection error).
      status_code integer,
      duration_ms integer NOT NULL,
      error text CHECK (length(error) <= 500)
    )`.execute(db);
  // A delivery's attempts, in order, on the admins' page.
  await sql`CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at)`.execute(db);

  // Add the new job kind to whatever the constraint allows now (other migrations add kinds too).
  const current = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'jobs_kind_check' AND conrelid = 'jobs'::regclass`.execute(db);
  const kinds = new Set([...(current.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!));
  kinds.add('webhook-delivery');
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (${sql.join([...kinds].sort().map((k) => sql.lit(k)))}))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Customer subscriptions to products and advisory notifications (src/subscriptions/).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE subscribers (
      -- Chosen by the application (randomUUID): the sealed address is bound to it.
      id uuid PRIMARY KEY,
      program_id uuid NOT NULL REFERENCES programs(id),
      -- HMAC-SHA256 of the normalised address under a key derived from the instance secret
      -- (src/subscriptions/subscriber-crypto.ts): uniqueness and lookups without storing the address.
      email_hash bytea NOT NULL,
      -- The subscriber's own data key, wrapped under the instance secret (ReportVault, key id "subscriber:<id>").
      data_key bytea NOT NULL,
      -- The address, sealed with the data key (purpose "email"); opened only to send mail and for the staff list.
      email_sealed bytea NOT NULL,
      -- What a confirmed subscriber follows: every product of the program, or these product ids.
      all_products boolean NOT NULL DEFAULT false,
      products text[] NOT NULL DEFAULT '{}',
      -- Set by the first confirmation (double opt-in); null while pending. Only confirmed subscribers get advisories.
      confirmed_at timestamptz,
      -- The selection waiting for confirmation (a new subscription, or a confirmed subscriber's change); null when none.
      pending_all_products boolean,
      pending_products text[],
      -- SHA-256 of the one-time confirmation link's token (shown once, in the mail) and when it stops working.
      confirm_token_hash bytea,
      confirm_expires_at timestamptz,
      -- SHA-256 of the unsubscribe link's token (an HMAC of the id under the instance secret, so every mail can carry it).
      unsubscribe_token_hash bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (confirmed_at IS NULL OR all_products OR cardinality(products) > 0),
      CHECK ((confirm_token_hash IS NULL) = (confirm_expires_at IS NULL)),
      CHECK ((pending_all_products IS NULL) = (pending_products IS NULL))
    )`.execute(db);
  // Subscribing: is this address already known in this program? (and uniqueness of the address per program)
  await sql`CREATE UNIQUE INDEX subscribers_program_email ON subscribers (program_id, email_hash)`.execute(db);
  // The confirmation link: /subscribe/confirm/<token> looks the subscriber up by the token's hash.
  await sql`CREATE UNIQUE INDEX subscribers_confirm_token ON subscribers (confirm_token_hash) WHERE confirm_token_hash IS NOT NULL`.execute(db);
  // The unsubscribe link: /unsubscribe/<token> looks the subscriber up by the token's hash.
  await sql`CREATE UNIQUE INDEX subscribers_unsubscribe_token ON subscribers (unsubscribe_token_hash)`.execute(db);
  // Recipients of an advisory (notify-subscribers) and the staff list and counts: a program's confirmed subscribers.
  await sql`CREATE INDEX subscribers_confirmed ON subscribers (program_id, confirmed_at) WHERE confirmed_at IS NOT NULL`.execute(db);
  // Forgetting addresses that were never confirmed once their link expired (purgeExpiredPending, run by the
  // 'forget-unconfirmed-subscribers' job queued for each link's expiry).
  await sql`CREATE INDEX subscribers_pending_expiry ON subscribers (confirm_expires_at) WHERE confirmed_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE subscriber_notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      advisory_id uuid NOT NULL REFERENCES advisories(id),
      -- The advisory's revision this notice is about (1: published; later: updated).
      revision integer NOT NULL CHECK (revision >= 1),
      -- Removing a subscriber forgets what they were sent; a pending notice then sends nothing.
      subscriber_id uuid NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- When the mail was accepted by the relay (or refused for good); a re-run job then sends nothing.
      sent_at timestamptz
    )`.execute(db);
  // One notice per subscriber and revision however often the fan-out runs (INSERT … ON CONFLICT DO NOTHING).
  await sql`CREATE UNIQUE INDEX subscriber_notifications_once ON subscriber_notifications (advisory_id, revision, subscriber_id)`.execute(db);
  // ON DELETE CASCADE when a subscriber is removed or unsubscribes.
  await sql`CREATE INDEX subscriber_notifications_subscriber ON subscriber_notifications (subscriber_id)`.execute(db);

  await sql`
    CREATE TABLE subscriber_mail_deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id bigint,
      -- Never the address (it would defeat sealing it): the subscriber, set null when they are removed.
      subscriber_id uuid REFERENCES subscribers(id) ON DELETE SET NULL,
      template text NOT NULL CHECK (template IN ('subscription-confirm', 'subscription-manage', 'advisory-notice')),
      -- The advisory and revision an advisory notice was about.
      advisory_id uuid REFERENCES advisories(id),
      revision integer,
      -- Without angle brackets; the same for every attempt of one job.
      message_id text NOT NULL,
      attempt integer NOT NULL,
      result text NOT NULL CHECK (result IN ('sent', 'failed', 'rejected', 'skipped')),
      -- The relay's answer (with the address blanked out), or why nothing was sent.
      smtp_response text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // ON DELETE SET NULL when a subscriber is removed (their delivery rows keep no link to them).
  await sql`CREATE INDEX subscriber_mail_deliveries_subscriber ON subscriber_mail_deliveries (subscriber_id, created_at) WHERE subscriber_id IS NOT NULL`.execute(db);
  // Deliveries of one advisory (advisoryDeliveries), and the foreign key check when a draft advisory is discarded.
  await sql`CREATE INDEX subscriber_mail_deliveries_advisory ON subscriber_mail_deliveries (advisory_id) WHERE advisory_id IS NOT NULL`.execute(db);

  // Every kind of 2026-11-23T1540-severity, plus the subscription mails and the advisory fan-out.
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`
    ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
      CHECK (kind IN ('notify-reporter', 'process-inbound-mail', 'mail-acknowledgement', 'sla-sweep', 'sla-mail',
        'subscription-mail', 'notify-subscribers', 'mail-subscriber', 'forget-unconfirmed-subscribers'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

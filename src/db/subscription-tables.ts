import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A customer contact following products of a program (src/subscriptions/); the address is sealed. */
export interface SubscribersTable {
  /** Chosen by the application (randomUUID): the sealed address is bound to it. */
  id: string;
  program_id: string;
  /** HMAC-SHA256 of the normalised address (src/subscriptions/subscriber-crypto.ts); unique per program. */
  email_hash: Buffer;
  /** Wrapped data key (ReportVault, key id "subscriber:<id>"). */
  data_key: Buffer;
  /** The address sealed with the data key, purpose "email". */
  email_sealed: Buffer;
  /** The language of mail to this subscriber, chosen when subscribing; null: the program's default. */
  language: ColumnType<string | null, string | null | undefined, string | null>;
  /** Follows every product of the program. */
  all_products: ColumnType<boolean, boolean | undefined, boolean>;
  /** Product ids followed (when not all_products). */
  products: ColumnType<string[], string[] | undefined, string[]>;
  /** First confirmation (double opt-in); null while pending. */
  confirmed_at: Timestamp | null;
  /** The selection waiting for confirmation; null when none. */
  pending_all_products: boolean | null;
  pending_products: string[] | null;
  /** SHA-256 of the one-time confirmation token and its expiry. */
  confirm_token_hash: Buffer | null;
  confirm_expires_at: Timestamp | null;
  /** SHA-256 of the unsubscribe token (HMAC of the id, so every mail can carry it). */
  unsubscribe_token_hash: Buffer;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One advisory revision to tell one subscriber about; its uniqueness makes the fan-out idempotent. */
export interface SubscriberNotificationsTable {
  id: Generated<string>;
  advisory_id: string;
  revision: number;
  subscriber_id: string;
  created_at: CreatedAt;
  /** Accepted by the relay or refused for good: a re-run job sends nothing. */
  sent_at: Timestamp | null;
}

export type SubscriberMailTemplate = 'subscription-confirm' | 'subscription-manage' | 'advisory-notice' | 'early-notice';

/** One row per attempt to send one mail to a subscriber; never the address. */
export interface SubscriberMailDeliveriesTable {
  id: Generated<string>;
  job_id: string | null;
  subscriber_id: string | null;
  template: SubscriberMailTemplate;
  advisory_id: string | null;
  revision: number | null;
  /** Without angle brackets; the same for every attempt of one job. */
  message_id: string;
  attempt: number;
  result: 'sent' | 'failed' | 'rejected' | 'skipped';
  /** The relay's answer with the address blanked, or why nothing was sent. */
  smtp_response: string | null;
  created_at: CreatedAt;
}

/** The tables of customer subscriptions (src/subscriptions/), merged into Database in schema.ts. */
export interface SubscriptionTables {
  subscribers: SubscribersTable;
  subscriber_notifications: SubscriberNotificationsTable;
  subscriber_mail_deliveries: SubscriberMailDeliveriesTable;
}

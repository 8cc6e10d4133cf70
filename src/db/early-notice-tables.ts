import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type EarlyNoticeState = 'awaiting-approval' | 'sent';

/** A TLP:AMBER notice to the subscribers of a report's affected products, before publication (src/early-notices/). */
export interface EarlyNoticesTable {
  /** Chosen by the application: the sealed content is bound to it. */
  id: string;
  report_id: string;
  program_id: string;
  /** Affected product ids of the program. */
  products: string[];
  /** EarlyNoticeContent as JSON, sealed with the report's key (purpose early-notice:<id>). */
  content_sealed: Buffer;
  /** SHA-256 (hex) of the canonical content: what a second person approves. */
  content_hash: string;
  tlp: ColumnType<'AMBER', 'AMBER' | undefined, 'AMBER'>;
  state: ColumnType<EarlyNoticeState, EarlyNoticeState | undefined, EarlyNoticeState>;
  created_by: string;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  /** Subscribers it was queued for; null until sent. */
  recipients: number | null;
}

/** One subscriber an early notice goes to; its uniqueness makes sending idempotent. */
export interface EarlyNoticeRecipientsTable {
  id: Generated<string>;
  notice_id: string;
  subscriber_id: string;
  created_at: CreatedAt;
  /** Accepted by the relay or refused for good: a re-run job sends nothing. */
  sent_at: Timestamp | null;
}

/** Merged into Database in schema.ts. */
export interface EarlyNoticeTables {
  early_notices: EarlyNoticesTable;
  early_notice_recipients: EarlyNoticeRecipientsTable;
}

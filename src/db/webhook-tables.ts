import type { ColumnType, Generated } from 'kysely';

/** What a webhook can be told of (src/webhooks/webhook-events.ts). */
export type WebhookEvent = 'report.received' | 'report.state-changed' | 'report.reporter-message' | 'report.sla-breach' | 'advisory.published';
export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

/** One outgoing webhook of a program (src/webhooks/). */
export interface WebhooksTable {
  id: Generated<string>;
  program_id: string;
  /** https:// (http:// and private addresses only with EMBARGO_INTEGRATIONS_ALLOW_PRIVATE). */
  url: string;
  events: ColumnType<WebhookEvent[], WebhookEvent[], WebhookEvent[]>;
  /** Deliveries also carry the report's title and the reporter's message (default: ids, states and links only). */
  include_contents: ColumnType<boolean, boolean | undefined, boolean>;
  /** The whsec_… signing secret, sealed with the instance secret (purpose webhook-secret, bound to the id). */
  secret_sealed: Buffer;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** One message to one webhook; its id is the webhook-id header. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  event: WebhookEvent;
  report_id: string | null;
  event_id: string | null;
  advisory_id: string | null;
  /** Sent once per webhook and key (an SLA breach). */
  dedupe_key: string | null;
  state: ColumnType<WebhookDeliveryState, WebhookDeliveryState | undefined, WebhookDeliveryState>;
  occurred_at: ColumnType<Date, Date | undefined, never>;
}

/** One try of a delivery: when, the receiver's status (null: none came), how long, what went wrong. */
export interface WebhookAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempted_at: ColumnType<Date, Date | undefined, never>;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}

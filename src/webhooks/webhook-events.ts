import type { EventType } from '../db/schema.ts';
import type { WebhookEvent } from '../db/webhook-tables.ts';

export type { WebhookEvent };

/** Every event a webhook can receive, in the order the settings page lists them, with its label. */
export const WEBHOOK_EVENTS: Record<WebhookEvent, string> = {
  'report.received': 'A report was received',
  'report.state-changed': "A report's state changed",
  'report.reporter-message': 'The reporter sent a message',
  'report.sla-breach': 'An SLA deadline was missed',
  'advisory.published': 'An advisory was published (or a revision of it)',
};

export function isWebhookEvent(value: string): value is WebhookEvent {
  return Object.hasOwn(WEBHOOK_EVENTS, value);
}

/**
 * The timeline events recordEvent passes on to webhooks. SLA breaches come
 * from the SLA sweep and advisories from their publication (an advisory need
 * not belong to a report), so they are not here.
 */
const FROM_TIMELINE: Partial<Record<EventType, WebhookEvent>> = {
  submitted: 'report.received',
  'state-changed': 'report.state-changed',
  'reporter-replied': 'report.reporter-message',
};

/** The webhook event a timeline event is, if any. */
export function webhookEventOf(type: EventType): WebhookEvent | undefined {
  return FROM_TIMELINE[type];
}

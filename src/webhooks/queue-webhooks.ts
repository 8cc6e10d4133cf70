import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database, EventType } from '../db/schema.ts';
import type { WebhookEvent } from './webhook-events.ts';

/**
 * Queues one delivery per webhook of the program that wants `event`, in the
 * caller's transaction (delivered if and only if the change commits). One
 * statement: when the program has no webhook it inserts nothing, so filing a
 * report costs a single indexed lookup. With `dedupeKey`, a webhook gets the
 * event once however often it is queued (an SLA breach seen by every sweep).
 */
export async function queueWebhookEvent(
  trx: Transaction<Database>,
  args: { event: WebhookEvent; reportId?: string; programId?: string; eventId?: string; advisoryId?: string; dedupeKey?: string },
): Promise<void> {
  const program = args.programId ? sql`${args.programId}::uuid` : sql`(SELECT r.program_id FROM reports r WHERE r.id = ${args.reportId ?? null}::uuid)`;
  await sql`
    WITH d AS (
      INSERT INTO webhook_deliveries (webhook_id, event, report_id, event_id, advisory_id, dedupe_key)
      SELECT w.id, ${args.event}, ${args.reportId ?? null}::uuid, ${args.eventId ?? null}::bigint, ${args.advisoryId ?? null}::uuid, ${args.dedupeKey ?? null}
      FROM webhooks w
      WHERE w.program_id = ${program} AND ${args.event} = ANY (w.events)
      ON CONFLICT (webhook_id, dedupe_key) DO NOTHING
      RETURNING id
    )
    INSERT INTO jobs (kind, payload) SELECT 'webhook-delivery', jsonb_build_object('deliveryId', d.id) FROM d`.execute(trx);
}

/** A timeline row as recordEvent writes it. */
export interface EventRowValues {
  report_id: string;
  actor_kind: 'reporter' | 'staff' | 'system';
  actor_id: string | null;
  type: EventType;
  /** JSON text. */
  data: string;
  reporter_visible: boolean;
}

/**
 * Inserts a timeline event and, in the same statement, one delivery (and its
 * job) per webhook of the report's program that wants `event`. No extra round
 * trip: a submission pays nothing when the program has no webhook.
 */
export async function insertEventQueueingWebhooks(
  trx: Transaction<Database>,
  values: EventRowValues,
  event: WebhookEvent,
  /** notifyTeam: the team's 'notify-team' job too (src/team-notices/queue-team-notice.ts), in the same statement. */
  options: { notifyTeam: boolean } = { notifyTeam: false },
): Promise<{ id: string }> {
  const result = await sql<{ id: string }>`WITH ${eventQueueingWebhooks(values, event, options)} SELECT id::text AS id FROM e`.execute(trx);
  return result.rows[0]!;
}

/**
 * The common table expressions of insertEventQueueingWebhooks, for a statement
 * that writes more (a new report with its first event, src/reports/submit-report.ts):
 * `e` is the event (id, report_id). With `programId`, the webhooks are found by
 * it instead of through the report's row, which a sibling expression of the same
 * statement may be inserting (they all see the rows as they were before it).
 */
export function eventQueueingWebhooks(values: EventRowValues, event: WebhookEvent, options: { notifyTeam: boolean; programId?: string }): RawBuilder<unknown> {
  const webhooks = options.programId
    ? sql`FROM e JOIN webhooks w ON w.program_id = ${options.programId}::uuid`
    : sql`FROM e JOIN reports r ON r.id = e.report_id JOIN webhooks w ON w.program_id = r.program_id`;
  return sql`e AS (
      INSERT INTO report_events (report_id, actor_kind, actor_id, type, data, reporter_visible)
      VALUES (${values.report_id}::uuid, ${values.actor_kind}, ${values.actor_id}::uuid, ${values.type}, ${values.data}::jsonb, ${values.reporter_visible})
      RETURNING id, report_id
    ), d AS (
      INSERT INTO webhook_deliveries (webhook_id, event, report_id, event_id)
      SELECT w.id, ${event}, e.report_id, e.id
      ${webhooks}
      WHERE ${event} = ANY (w.events)
      RETURNING id
    ), j AS (
      INSERT INTO jobs (kind, payload) SELECT 'webhook-delivery', jsonb_build_object('deliveryId', d.id) FROM d
    ), n AS (
      INSERT INTO jobs (kind, payload) SELECT 'notify-team', jsonb_build_object('eventId', e.id::text) FROM e WHERE ${options.notifyTeam}
    )`;
}

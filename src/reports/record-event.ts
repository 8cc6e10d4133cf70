import { queueTeamNotice } from '../team-notices/queue-team-notice.ts';
import type { Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Database, EventType } from '../db/schema.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { auditReportEvent } from '../audit/audit-hooks.ts';
import { webhookEventOf } from '../webhooks/webhook-events.ts';
import { insertEventQueueingWebhooks, type EventRowValues } from '../webhooks/queue-webhooks.ts';
import { computeNextDeadline } from '../sla/report-clocks.ts';
import { EVENT_TEXT_FIELDS, sealEventText, type EventData, type EventText } from './event-text.ts';
import { reportKey } from './report-contents.ts';

export type EventActor = { kind: 'staff'; id: string } | { kind: 'reporter' } | { kind: 'system' };

/** Words for an event (EventText) with the vault that seals them. */
export type EventTextInput = EventText & { vault: ReportVault };

/**
 * Appends to a report's timeline inside the business transaction. A change
 * the reporter should know about, made by someone else, also enqueues their
 * notification, so it is sent if and only if the change commits. Words
 * someone wrote (`text`) are sealed with the report's key; `data` stays in
 * clear and may not carry them.
 */
export async function recordEvent(
  trx: Transaction<Database>,
  event: {
    reportId: string;
    actor: EventActor;
    type: EventType;
    data?: EventData;
    text?: EventTextInput;
    reporterVisible: boolean;
    /** The caller stored the report's next deadline and updated_at for this event itself (a new report's submission). */
    deadlineKnown?: boolean;
    /** New work for the team (a new report, a reporter's reply): queue its notice (queueTeamNotice) with the event, in the same statement where it can be. */
    notifyTeam?: boolean;
  },
): Promise<string> {
  const data = event.data ?? {};
  const values = eventRow(event.reportId, event.actor, event.type, data, event.reporterVisible);
  // An event webhooks may want queues their deliveries in the same statement (src/webhooks/): no extra round trip.
  const webhookEvent = webhookEventOf(event.type);
  const row = webhookEvent
    ? await insertEventQueueingWebhooks(trx, values, webhookEvent, { notifyTeam: event.notifyTeam ?? false })
    : await trx.insertInto('report_events').values(values).returning('id').executeTakeFirstOrThrow();
  if (event.notifyTeam && !webhookEvent) await queueTeamNotice(trx, row.id);
  const text = event.text && pickText(event.text);
  if (event.text && text) {
    // Sealed after the insert: the text is bound to the event's id, which the database assigns.
    const keyRow = await trx.selectFrom('reports').select(['id', 'data_key']).where('id', '=', event.reportId).executeTakeFirstOrThrow();
    const sealed = sealEventText(event.text.vault, reportKey(event.text.vault, keyRow), row.id, text);
    await trx.updateTable('report_events').set({ text_sealed: sealed }).where('id', '=', row.id).execute();
  }
  // Every event may start, stop or pause an SLA clock: keep the "Due" order true in the same transaction.
  if (!event.deadlineKnown) {
    const nextDeadlineAt = await computeNextDeadline(trx, event.reportId);
    await trx.updateTable('reports').set({ updated_at: new Date(), next_deadline_at: nextDeadlineAt }).where('id', '=', event.reportId).execute();
  }
  // Every staff action on a report is in the audit log too (ids and states, never the words).
  if (event.actor.kind === 'staff') await auditReportEvent(trx, event.actor.id, event.reportId, event.type, data);
  if (event.reporterVisible && event.actor.kind !== 'reporter') {
    await enqueueJob(trx, 'notify-reporter', { eventId: row.id });
  }
  return row.id;
}

/** A timeline row as recordEvent writes it (a new report's first event is written by its own statement, src/reports/submit-report.ts). */
export function eventRow(reportId: string, actor: EventActor, type: EventType, data: EventData, reporterVisible: boolean): EventRowValues {
  // The type forbids it; this catches casts and plain JavaScript before clear text reaches the table.
  const misplaced = EVENT_TEXT_FIELDS.filter((f) => f in data);
  if (misplaced.length > 0) throw new Error(`Event data may not carry ${misplaced.join(', ')} in clear: pass it as the event's text.`);
  return {
    report_id: reportId,
    actor_kind: actor.kind,
    actor_id: actor.kind === 'staff' ? actor.id : null,
    type,
    data: JSON.stringify(data),
    reporter_visible: reporterVisible,
  };
}

/** The non-empty EventText fields of the input; undefined when there are none. */
function pickText(input: EventTextInput): EventText | undefined {
  const text: EventText = {};
  for (const field of EVENT_TEXT_FIELDS) if (input[field]) text[field] = input[field];
  return Object.keys(text).length > 0 ? text : undefined;
}

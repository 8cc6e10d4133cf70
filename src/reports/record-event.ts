import type { Transaction } from 'kysely';
import type { Database, EventType } from '../db/schema.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { computeNextDeadline } from '../sla/report-clocks.ts';

export type EventActor = { kind: 'staff'; id: string } | { kind: 'reporter' } | { kind: 'system' };

/**
 * Appends to a report's timeline inside the business transaction. A change
 * the reporter should know about, made by someone else, also enqueues their
 * notification, so it is sent if and only if the change commits.
 */
export async function recordEvent(
  trx: Transaction<Database>,
  event: { reportId: string; actor: EventActor; type: EventType; data?: Record<string, unknown>; reporterVisible: boolean },
): Promise<string> {
  const row = await trx
    .insertInto('report_events')
    .values({
      report_id: event.reportId,
      actor_kind: event.actor.kind,
      actor_id: event.actor.kind === 'staff' ? event.actor.id : null,
      type: event.type,
      data: JSON.stringify(event.data ?? {}),
      reporter_visible: event.reporterVisible,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Every event may start, stop or pause an SLA clock: keep the "Due" order true in the same transaction.
  const nextDeadlineAt = await computeNextDeadline(trx, event.reportId);
  await trx.updateTable('reports').set({ updated_at: new Date(), next_deadline_at: nextDeadlineAt }).where('id', '=', event.reportId).execute();
  if (event.reporterVisible && event.actor.kind !== 'reporter') {
    await enqueueJob(trx, 'notify-reporter', { eventId: row.id });
  }
  return row.id;
}

import type { Kysely } from 'kysely';
import type { Database, SlaRemindersTable } from '../db/schema.ts';
import { enqueueJob } from '../jobs/queue.ts';

export type ReminderThreshold = 'near-breach' | 'breach' | 'escalation';

/**
 * Who hears of a clock near or past its deadline: the assignee (the leads when nobody is
 * assigned) and the watchers, once each; past the deadline, the leads too (an escalation),
 * unless they are the assignee. Shared by the SLA clocks and the CRA clocks.
 */
export function reminderRecipients(args: { assigneeId: string | null; leads: readonly string[]; watchers: readonly string[]; breached: boolean }): [ReminderThreshold, string][] {
  const team = new Set([...(args.assigneeId ? [args.assigneeId] : args.leads), ...args.watchers]);
  const wanted: [ReminderThreshold, string][] = [...team].map((id) => [args.breached ? 'breach' : 'near-breach', id]);
  if (args.breached) for (const id of args.leads) if (id !== args.assigneeId) wanted.push(['escalation', id]);
  return wanted;
}

/**
 * Queues one reminder mail per (threshold, person) not sent before for this clock and
 * deadline: sla_reminders' unique key makes a reminder go out once however often a sweep
 * runs. Returns how many mails it queued.
 */
export async function queueClockReminders(
  trx: Kysely<Database>,
  args: { reportId: string; clock: SlaRemindersTable['clock']; dueAt: Date; wanted: readonly [ReminderThreshold, string][] },
): Promise<number> {
  let sent = 0;
  for (const [threshold, recipient] of args.wanted) {
    const row = await trx
      .insertInto('sla_reminders')
      .values({ report_id: args.reportId, clock: args.clock, threshold, due_at: args.dueAt, recipient_id: recipient })
      .onConflict((oc) => oc.columns(['report_id', 'clock', 'threshold', 'due_at', 'recipient_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      await enqueueJob(trx, 'sla-mail', { kind: 'reminder', reminderId: row.id });
      sent++;
    }
  }
  return sent;
}

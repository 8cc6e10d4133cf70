import type { Transaction } from 'kysely';
import type { Database, SlaRemindersTable } from '../db/schema.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { escalationRecipients, watcherRecipients } from '../sla-reminders/recipients.ts';

type Threshold = SlaRemindersTable['threshold'];

/**
 * Records one disclosure-date mail per person in sla_reminders (clock
 * 'disclosure', due_at the moment it is about) and queues it through the SLA
 * mail job, inside the caller's transaction. The unique key sends each at
 * most once per threshold, date and person. Returns how many were queued.
 */
export async function queueDisclosureMails(
  trx: Transaction<Database>,
  args: { reportId: string; threshold: Threshold; at: Date; recipients: Iterable<string> },
): Promise<number> {
  let queued = 0;
  for (const recipient of new Set(args.recipients)) {
    const row = await trx
      .insertInto('sla_reminders')
      .values({ report_id: args.reportId, clock: 'disclosure', threshold: args.threshold, due_at: args.at, recipient_id: recipient })
      .onConflict((oc) => oc.columns(['report_id', 'clock', 'threshold', 'due_at', 'recipient_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      await enqueueJob(trx, 'sla-mail', { kind: 'reminder', reminderId: row.id });
      queued++;
    }
  }
  return queued;
}

/** Who works the report: its assignee (the program's leads and admins when nobody is assigned) and its watchers. */
export async function reportTeam(trx: Transaction<Database>, report: { id: string; program_id: string; assignee_id: string | null }): Promise<string[]> {
  const owners = report.assignee_id ? [report.assignee_id] : await escalationRecipients(trx, report.program_id);
  return [...owners, ...(await watcherRecipients(trx, report.id, report.program_id))];
}

import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { sumIsolated } from '../jobs/sum-isolated.ts';
import { escalationRecipients, watcherRecipients } from '../sla-reminders/recipients.ts';
import { queueClockReminders, reminderRecipients } from '../sla-reminders/queue-reminders.ts';
import { craClockName, craUrgency } from './cra-clocks.ts';
import { clocksOf, loadCraCases } from './load-cra-view.ts';

/**
 * The SLA sweep's CRA pass (src/sla-reminders/sla-sweep.ts): like the SLA
 * clocks, a near-breach reminds the assignee (the leads when nobody is
 * assigned) and the watchers; an overdue step reminds them and escalates to
 * the program's leads and admins. The reminders go through sla_reminders
 * (once per clock, threshold, deadline and person) and the outbox
 * ('sla-mail' jobs). Runs whatever the report's state: closing a report does
 * not end the duty to report to the CSIRT. Returns how many mails it queued.
 */
export async function sweepCraClocks(db: Db, now: Date, onError?: (err: unknown, reportId: string) => void): Promise<number> {
  const reports = await db
    .selectFrom('cra_cases as c')
    .innerJoin('reports as r', 'r.id', 'c.report_id')
    .innerJoin('programs as p', 'p.id', 'r.program_id')
    .select(['r.id', 'r.program_id', 'r.assignee_id', 'p.config'])
    .distinct()
    .execute();
  return sumIsolated(
    reports,
    (report) =>
      db.transaction().execute(async (trx) => {
        const zone = (report.config as { calendar?: { timeZone?: string } }).calendar?.timeZone ?? 'UTC';
        let sent = 0;
        for (const c of await loadCraCases(trx, [report.id])) {
          for (const clock of clocksOf(c, now, zone)) {
            const urgency = craUrgency(clock);
            if ((urgency !== 'near-breach' && urgency !== 'breached') || !('dueAt' in clock)) continue;
            sent += await queueReminders(trx, { report, clock: craClockName(c.kind, clock.step), dueAt: clock.dueAt, breached: urgency === 'breached' });
          }
        }
        return sent;
      }),
    onError && ((err, r) => onError(err, r.id)),
  );
}

async function queueReminders(
  trx: Kysely<Database>,
  args: { report: { id: string; program_id: string; assignee_id: string | null }; clock: ReturnType<typeof craClockName>; dueAt: Date; breached: boolean },
): Promise<number> {
  const { report } = args;
  const leads = await escalationRecipients(trx, report.program_id);
  const watchers = await watcherRecipients(trx, report.id, report.program_id);
  const wanted = reminderRecipients({ assigneeId: report.assignee_id, leads, watchers, breached: args.breached });
  return queueClockReminders(trx, { reportId: report.id, clock: args.clock, dueAt: args.dueAt, wanted });
}

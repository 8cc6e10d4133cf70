import { queueWebhookEvent } from '../webhooks/queue-webhooks.ts';
import { sql, type Kysely } from 'kysely';
import { localDateOf } from '../calendar/zoned-time.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { OPEN_STATES } from '../domain/lifecycle.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { sumIsolated } from '../jobs/sum-isolated.ts';
import { loadReportClocks, programSla } from '../sla/report-clocks.ts';
import { clockUrgency, nextDeadline } from '../sla/sla-clocks.ts';
import { escalationRecipients, watcherRecipients } from './recipients.ts';
import { queueClockReminders, reminderRecipients } from './queue-reminders.ts';
import { sweepDisclosureDates } from '../disclosure/disclosure-sweep.ts';
import { sweepCraClocks } from '../cra/cra-sweep.ts';

/** How often the sweep runs: a near-breach threshold is hours wide, so a quarter of an hour is timely enough. */
export const SWEEP_INTERVAL_MS = 15 * 60_000;

/**
 * Queues the next sweep unless one is already waiting: the partial unique
 * index jobs_one_pending_sla_sweep makes this safe from any number of processes.
 */
export async function scheduleSlaSweep(db: Kysely<Database>, runAt: Date = new Date()): Promise<void> {
  await sql`
    INSERT INTO jobs (kind, payload, run_at) VALUES ('sla-sweep', '{}', ${runAt})
    ON CONFLICT (kind) WHERE kind = 'sla-sweep' AND state = 'pending' DO NOTHING`.execute(db);
}

export interface SweepResult {
  reminders: number;
  digests: number;
}

/** What to do with one report's or person's failure; the sweep goes on with the others. */
export type SweepErrorHandler = (err: unknown, item: { reportId: string } | { userId: string }) => void;

/**
 * One pass over the open reports at `now`: each near-breach clock reminds the
 * assignee (the leads when nobody is assigned); each breached clock reminds the
 * assignee and escalates to the program's leads and admins. sla_reminders'
 * unique key makes every reminder go out once per clock, threshold, deadline
 * and person, however often the sweep runs. Also queues the daily digests and
 * corrects a stale next_deadline_at (e.g. after the program's targets changed).
 */
export async function runSlaSweep(db: Db, now: Date = new Date(), options: { onError?: SweepErrorHandler } = {}): Promise<SweepResult> {
  const { onError } = options;
  const reports = await db
    .selectFrom('reports')
    .select(['id', 'program_id', 'assignee_id', 'next_deadline_at'])
    .where('state', 'in', OPEN_STATES)
    .where('next_deadline_at', 'is not', null)
    .execute();
  const item = (id: string) => ({ reportId: id });
  let reminders = await sumIsolated(reports, (report) =>
    db.transaction().execute(async (trx) => {
      const loaded = await loadReportClocks(trx, report.id, now);
      if (!loaded) return 0;
      const next = nextDeadline(loaded.clocks) ?? null;
      if (next?.getTime() !== report.next_deadline_at?.getTime()) {
        await trx.updateTable('reports').set({ next_deadline_at: next }).where('id', '=', report.id).execute();
      }
      let sent = 0;
      const leads = await escalationRecipients(trx, report.program_id);
      const watchers = await watcherRecipients(trx, report.id, report.program_id);
      for (const clock of loaded.clocks) {
        const urgency = clockUrgency(clock);
        if ((urgency !== 'near-breach' && urgency !== 'breached') || !('dueAt' in clock)) continue;
        const breached = urgency === 'breached';
        // Webhooks hear of a breach once per clock and deadline (src/webhooks/queue-webhooks.ts dedupes).
        if (breached) await queueWebhookEvent(trx, { event: 'report.sla-breach', reportId: report.id, programId: report.program_id, dedupeKey: `sla-breach|${report.id}|${clock.name}|${clock.dueAt.toISOString()}` });
        const wanted = reminderRecipients({ assigneeId: report.assignee_id, leads, watchers, breached });
        sent += await queueClockReminders(trx, { reportId: report.id, clock: clock.name, dueAt: clock.dueAt, wanted });
      }
      return sent;
    }),
    onError && ((err, report) => onError(err, item(report.id))),
  );
  // The agreed disclosure dates' reminders and escalations (src/disclosure/) count as reminders too.
  reminders += await sweepDisclosureDates(db, now, onError && ((err, reportId) => onError(err, item(reportId))));
  // The CRA Article 14 clocks (src/cra/cra-sweep.ts), whatever the report's state.
  reminders += await sweepCraClocks(db, now, onError && ((err, reportId) => onError(err, item(reportId))));
  return { reminders, digests: await queueDigests(db, now, onError) };
}

/**
 * A digest for each person who wants one, has open reports with deadlines
 * assigned, and whose office (the program's calendar) is open and past opening
 * time today; once per person and local day (sla_digests' primary key).
 */
async function queueDigests(db: Db, now: Date, onError?: SweepErrorHandler): Promise<number> {
  const people = await db
    .selectFrom('staff_users as u')
    .innerJoin('reports as r', 'r.assignee_id', 'u.id')
    .innerJoin('programs as p', 'p.id', 'r.program_id')
    .select(['u.id', sql<unknown>`min(p.config::text)`.as('config')])
    .where('u.sla_digest', '=', true)
    .where('u.disabled_at', 'is', null)
    .where('r.state', 'in', OPEN_STATES)
    .where('r.next_deadline_at', 'is not', null)
    .groupBy('u.id')
    .execute();
  return sumIsolated(
    people,
    async (person) => {
      const { calendar } = programSla(JSON.parse(String(person.config)));
      const day = localDateOf(now, calendar.timeZone);
      const status = calendar.dayStatus(day);
      // Sent once the office has opened, so it lands at the start of the working day, not at midnight.
      if (!status.open || now < status.opensAt) return 0;
      return db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('sla_digests').values({ user_id: person.id, day }).onConflict((oc) => oc.doNothing()).returning('user_id').executeTakeFirst();
        if (!row) return 0;
        await enqueueJob(trx, 'sla-mail', { kind: 'digest', userId: person.id, day });
        return 1;
      });
    },
    onError && ((err, person) => onError(err, { userId: person.id })),
  );
}

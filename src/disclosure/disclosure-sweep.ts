import { sql } from 'kysely';
import { sumIsolated } from '../jobs/sum-isolated.ts';
import type { Db } from '../db/database.ts';
import { OPEN_STATES } from '../domain/lifecycle.ts';
import { escalationRecipients } from '../sla-reminders/recipients.ts';
import { disclosureReminderDue, readDisclosure, REMINDER_DAYS } from './disclosure-rules.ts';
import { queueDisclosureMails, reportTeam } from './notify-team.ts';

/**
 * The SLA sweep's disclosure pass: for each open report with an agreed date
 * and no published advisory, the reminder it calls for now (7 and 1 days
 * before, to the assignee or leads and the watchers) or the escalation once
 * the date passed (to the program's leads and admins). Nothing is published
 * here: the date is a decision people keep. Returns how many mails it queued.
 */
export async function sweepDisclosureDates(db: Db, now: Date, onError?: (err: unknown, reportId: string) => void): Promise<number> {
  // A day's margin over the widest threshold: a local week before can be 7 × 24 h ± a DST hour.
  const horizon = new Date(now.getTime() + (Math.max(...REMINDER_DAYS) + 1) * 86_400_000);
  const reports = await db
    .selectFrom('reports as r')
    .select(['r.id', 'r.program_id', 'r.assignee_id', 'r.disclosure_at', 'r.disclosure_time_zone', 'r.disclosure_status', 'r.disclosure_proposed_by'])
    .where('r.disclosure_status', '=', 'agreed')
    .where('r.disclosure_at', '<=', horizon)
    .where('r.state', 'in', OPEN_STATES)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('advisories as a').select(sql`1`.as('one')).whereRef('a.report_id', '=', 'r.id').where('a.state', '=', 'published'))),
    )
    .execute();
  // One report's failure must not stop the others' reminders (src/jobs/sum-isolated.ts).
  return sumIsolated(
    reports,
    async (row) => {
      const date = readDisclosure(row);
      const due = date && disclosureReminderDue(date, now, false);
      if (!date || !due) return 0;
      return db.transaction().execute(async (trx) => {
        const recipients = due === 'escalation' ? await escalationRecipients(trx, row.program_id) : await reportTeam(trx, row);
        return queueDisclosureMails(trx, { reportId: row.id, threshold: due, at: date.at, recipients });
      });
    },
    onError && ((err, row) => onError(err, row.id)),
  );
}

import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { enqueueJob } from '../jobs/queue.ts';

/**
 * Tells the team of new work (a new report, a reporter's reply or disclosure
 * proposal, a release from quarantine) in the caller's transaction: one job
 * row, so the notice exists if and only if the event committed, and the use
 * case pays for nothing more. The 'notify-team' job decides who hears of it
 * and how (src/team-notices/notice-new-work.ts).
 */
export async function queueTeamNotice(trx: Transaction<Database>, eventId: string): Promise<void> {
  await enqueueJob(trx, 'notify-team', { eventId });
}

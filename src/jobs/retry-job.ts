import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { JOB_KINDS } from './job-kinds.ts';

/**
 * Tries a job again now: one that gave up gets a fresh attempt budget of its
 * kind; one waiting for its next retry is brought forward. False when there is
 * nothing to retry (done, running, never tried, or unknown).
 */
export async function retryJob(db: Db, jobId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const job = await trx.selectFrom('jobs').select(['kind', 'state', 'attempts']).where('id', '=', jobId).forUpdate().executeTakeFirst();
    if (!job || !(job.state === 'failed' || (job.state === 'pending' && job.attempts > 0))) return false;
    await trx
      .updateTable('jobs')
      .set({
        state: 'pending',
        run_at: sql<Date>`now()`,
        locked_at: null,
        finished_at: null,
        ...(job.state === 'failed' ? { max_attempts: job.attempts + JOB_KINDS[job.kind].retry.maxAttempts } : {}),
      })
      .where('id', '=', jobId)
      .execute();
    return true;
  });
}

/** Job ids are bigints; anything else in a URL is "not found", not a database error. */
export function isJobId(value: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(value);
}

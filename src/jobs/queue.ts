import type { Kysely, Transaction } from 'kysely';
import type { Database, JobKind } from '../db/schema.ts';

export interface JobPayloads {
  'notify-reporter': { eventId: string };
}

/**
 * Enqueue inside the caller's transaction: the job exists if and only if the
 * change that caused it committed. The worker runs it after commit.
 */
export async function enqueueJob<K extends JobKind>(
  trx: Transaction<Database> | Kysely<Database>,
  kind: K,
  payload: JobPayloads[K],
  options: { runAt?: Date; maxAttempts?: number } = {},
): Promise<void> {
  await trx
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload),
      ...(options.runAt ? { run_at: options.runAt } : {}),
      ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
    })
    .execute();
}

import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { JobKind } from '../db/schema.ts';
import type { JobPayloads } from './queue.ts';

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], job: { id: string; attempt: number }) => Promise<void>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

export interface Worker {
  start(): void;
  /** Stops polling and waits for the job in hand. */
  stop(): Promise<void>;
  /** Runs every job that is due now, including ones enqueued while draining; for tests and CLI. */
  drain(): Promise<number>;
}

/** A claim older than this is considered abandoned by a crashed worker and taken over. */
const STALE_CLAIM = '5 minutes';

/** Exponential backoff: 30 s, 1 min, 2 min … capped at 1 h. */
export function backoffSeconds(attempt: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Polls the jobs table with FOR UPDATE SKIP LOCKED so any number of worker
 * processes can share it.
 */
export function createWorker(options: { db: Db; handlers: JobHandlers; logger: Logger; pollMs?: number }): Worker {
  const { db, handlers, logger } = options;
  const pollMs = options.pollMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function claim() {
    return db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('jobs')
        .select(['id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', sql<Date>`now()`)]),
            eb.and([eb('state', '=', 'running'), eb('locked_at', '<', sql<Date>`now() - ${sql.lit(STALE_CLAIM)}::interval`)]),
          ]),
        )
        .orderBy('run_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!due) return undefined;
      return trx
        .updateTable('jobs')
        .set({ state: 'running', locked_at: sql<Date>`now()`, attempts: sql<number>`attempts + 1` })
        .where('id', '=', due.id)
        .returning(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
        .executeTakeFirstOrThrow();
    });
  }

  async function runOne(): Promise<boolean> {
    const job = await claim();
    if (!job) return false;
    const handler = handlers[job.kind] as JobHandler<JobKind>;
    try {
      await handler(job.payload as unknown as JobPayloads[JobKind], { id: job.id, attempt: job.attempts });
      await db
        .updateTable('jobs')
        .set({ state: 'done', finished_at: sql<Date>`now()`, last_error: null })
        .where('id', '=', job.id)
        .execute();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      const final = job.attempts >= job.max_attempts;
      logger.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, final, err: message }, 'job failed');
      await db
        .updateTable('jobs')
        .set({
          state: final ? 'failed' : 'pending',
          last_error: message.slice(0, 2000),
          run_at: sql<Date>`now() + ${sql.lit(`${backoffSeconds(job.attempts)} seconds`)}::interval`,
          finished_at: final ? sql<Date>`now()` : null,
          locked_at: null,
        })
        .where('id', '=', job.id)
        .execute();
    }
    return true;
  }

  async function drain(): Promise<number> {
    let n = 0;
    while (await runOne()) n++;
    return n;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain()
        .catch((err) => logger.error({ err: (err as Error).message }, 'job polling failed'))
        .finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    drain,
  };
}

import { sql, type ExpressionBuilder } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Database, JobKind } from '../db/schema.ts';
import { attemptBudget, JOB_KINDS, kindsIn, retryDelaySeconds, type Lane } from './job-kinds.ts';
import type { JobPayloads } from './queue.ts';
import { newWorkerId, STALE_AFTER_SECONDS, startHeartbeat } from '../ops/heartbeat.ts';

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], job: { id: string; attempt: number }) => Promise<void>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

export interface Worker {
  start(): void;
  /**
   * Stops taking jobs, waits for the ones in hand, and returns; the rest stay queued for the next worker.
   * A job still running after `deadlineMs` (a relay that never answers, a stuck handler) is handed back:
   * queued again as a worker crash would leave it, so SIGTERM never waits on it forever.
   */
  stop(options?: { deadlineMs?: number }): Promise<void>;
  /** Runs every job that is due now, one at a time in due order, including ones enqueued while draining; for tests and CLI. */
  drain(): Promise<number>;
}

/**
 * A claim older than this is considered abandoned and taken over, for jobs
 * whose worker beats no heartbeat (tests, the CLI's drain). A worker that
 * beats one (every `embargo serve` and `embargo worker`) loses its jobs as
 * soon as its heartbeat goes stale.
 */
const STALE_CLAIM = '5 minutes';

/** Jobs each lane runs at once. One mail at a time keeps a reporter's mails in the order they were written. */
const DEFAULT_CONCURRENCY: Record<Lane, number> = { mail: 1, work: 1, webhook: 1 };

/** How long stop() waits for the jobs in hand: under the 10 s systemd and orchestrators give before SIGKILL. */
const STOP_DEADLINE_MS = 8_000;

/**
 * Polls the jobs table with FOR UPDATE SKIP LOCKED so any number of worker
 * processes can share it. Each lane (src/jobs/job-kinds.ts) polls on its own,
 * so a relay that never answers delays mail only, never the filing of reports.
 */
export function createWorker(options: {
  db: Db;
  handlers: JobHandlers;
  logger: Logger;
  pollMs?: number;
  concurrency?: Partial<Record<Lane, number>>;
  /** Beat a heartbeat while started (src/ops/heartbeat.ts): /readyz reads it, and other workers take over this one's jobs when it stops beating. */
  heartbeat?: { staleSeconds: number };
}): Worker {
  const { db, handlers, logger } = options;
  const workerId = newWorkerId();
  let heartbeat: { stop(): Promise<void> } | undefined;
  const pollMs = options.pollMs ?? 1000;
  const concurrency = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const laneKinds: Record<Lane, JobKind[]> = { mail: kindsIn('mail'), work: kindsIn('work'), webhook: kindsIn('webhook') };
  let loops: Promise<void>[] = [];
  const sleepers = new Set<() => void>();
  let stopped = true;

  async function claim(lane: Lane | undefined) {
    return db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('jobs')
        .select(['id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', sql<Date>`now()`)]),
            eb.and([
              eb('state', '=', 'running'),
              eb.or([
                eb('locked_at', '<', sql<Date>`now() - ${sql.lit(STALE_CLAIM)}::interval`),
                // Its worker was killed or lost its machine: its heartbeat stopped.
                eb.exists(
                  eb
                    .selectFrom('worker_heartbeats as h')
                    .select(sql`1`.as('one'))
                    .whereRef('h.worker_id', '=', 'jobs.locked_by')
                    .where('h.seen_at', '<', sql<Date>`now() - make_interval(secs => ${options.heartbeat?.staleSeconds ?? STALE_AFTER_SECONDS})`),
                ),
              ]),
            ]),
          ]),
        );
      if (lane) due = due.where('kind', 'in', laneKinds[lane]);
      const row = await due.orderBy('run_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
      if (!row) return undefined;
      return trx
        .updateTable('jobs')
        .set({ state: 'running', locked_at: sql<Date>`now()`, locked_by: workerId, attempts: sql<number>`attempts + 1` })
        .where('id', '=', row.id)
        .returning(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
        .executeTakeFirstOrThrow();
    });
  }

  async function runOne(lane?: Lane): Promise<boolean> {
    const job = await claim(lane);
    if (!job) return false;
    const handler = handlers[job.kind] as JobHandler<JobKind>;
    try {
      await handler(job.payload as unknown as JobPayloads[JobKind], { id: job.id, attempt: job.attempts });
      await db
        .updateTable('jobs')
        .set({ state: 'done', finished_at: sql<Date>`now()`, last_error: null, locked_by: null })
        .where('id', '=', job.id)
        .where(claimedByThisRun(job))
        .execute();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      const budget = attemptBudget(job);
      const final = job.attempts >= budget;
      const delay = retryDelaySeconds(JOB_KINDS[job.kind].retry, job.attempts);
      // Mail errors are already stripped of addresses (src/mail/blank-address.ts); work errors are bugs, so they keep their stack.
      const detail = { jobId: job.id, kind: job.kind, attempt: job.attempts, of: budget, err: message, ...(JOB_KINDS[job.kind].lane === 'work' ? { stack: (err as Error).stack } : {}) };
      if (final) logger.error(detail, 'job failed for good: listed for admins at /staff/deliveries, where it can be retried');
      else logger.warn({ ...detail, retryInSeconds: delay }, 'job failed; will retry');
      await db
        .updateTable('jobs')
        .set({
          state: final ? 'failed' : 'pending',
          last_error: message.slice(0, 2000),
          run_at: sql<Date>`now() + ${sql.lit(`${delay} seconds`)}::interval`,
          finished_at: final ? sql<Date>`now()` : null,
          locked_at: null,
          locked_by: null,
        })
        .where('id', '=', job.id)
        .where(claimedByThisRun(job))
        .execute();
    }
    return true;
  }

  /**
   * Queues again the jobs this worker still holds after stop()'s deadline. Their handlers may yet finish in
   * this process: claimedByThisRun() then ignores the late answer, and the next run takes the job over as
   * it would from a worker that crashed (mail_deliveries keeps a mail from going out twice).
   */
  async function handBack(): Promise<void> {
    const released = await db
      .updateTable('jobs')
      .set({ state: 'pending', locked_at: null, locked_by: null, run_at: sql<Date>`now()` })
      .where('state', '=', 'running')
      .where('locked_by', '=', workerId)
      .returning(['id', 'kind'])
      .execute();
    if (released.length) logger.warn({ jobs: released }, 'jobs still running at the stop deadline were queued again for the next worker');
  }

  async function drain(): Promise<number> {
    let n = 0;
    while (await runOne()) n++;
    return n;
  }

  /** Waits `ms`, or less when stop() is called. */
  function idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      sleepers.add(wake);
    });
  }

  /** One slot of a lane: runs due jobs back to back, polls when there are none, and checks for stop() between jobs. */
  async function slot(lane: Lane): Promise<void> {
    while (!stopped) {
      let ran = false;
      try {
        ran = await runOne(lane);
      } catch (err) {
        logger.error({ lane, err: (err as Error).message }, 'job polling failed');
      }
      if (!ran && !stopped) await idle(pollMs);
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      if (options.heartbeat) heartbeat = startHeartbeat(db, logger, { workerId, staleSeconds: options.heartbeat.staleSeconds });
      loops = (Object.keys(concurrency) as Lane[]).flatMap((lane) => Array.from({ length: concurrency[lane] }, () => slot(lane)));
    },
    async stop({ deadlineMs = STOP_DEADLINE_MS } = {}) {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all(loops).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs))),
      ]);
      clearTimeout(timer);
      loops = [];
      if (!finished) await handBack();
      await heartbeat?.stop();
      heartbeat = undefined;
    },
    drain,
  };
}

/**
 * Finishing a job only counts for the run that holds it: when a worker was
 * thought dead and its job taken over, its late answer must not overwrite the
 * new run's (the attempt count grows with every claim).
 */
function claimedByThisRun(job: { attempts: number }) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) => eb.and([eb('state', '=', 'running'), eb('attempts', '=', job.attempts)]);
}

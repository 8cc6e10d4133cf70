import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';

/** When the readiness check, and other workers, stop believing a worker is alive (EMBARGO_WORKER_STALE_SECONDS). */
export const STALE_AFTER_SECONDS = 60;

/** hostname:pid:random: unique per running worker, and says where it runs. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * A running worker's heartbeat: a row it refreshes every few seconds, so the
 * readiness check (and an operator) can tell that jobs are being run, on any
 * number of processes sharing one database. The row goes when the worker
 * stops; one of a crashed worker is deleted by the next beat of any worker
 * once it is an hour old.
 */
export function startHeartbeat(db: Db, logger: Pick<Logger, 'warn'>, options: { workerId?: string; staleSeconds?: number } = {}): { stop(): Promise<void> } {
  const workerId = options.workerId ?? newWorkerId();
  // Several beats fit in the stale window, so one slow beat is not a death.
  const beatMs = Math.max(500, Math.floor(((options.staleSeconds ?? STALE_AFTER_SECONDS) * 1000) / 6));
  let failing = false;
  const beat = async () => {
    try {
      await db
        .insertInto('worker_heartbeats')
        .values({ worker_id: workerId })
        .onConflict((oc) => oc.column('worker_id').doUpdateSet({ seen_at: sql<Date>`now()` }))
        .execute();
      await db.deleteFrom('worker_heartbeats').where('seen_at', '<', sql<Date>`now() - interval '1 hour'`).execute();
      failing = false;
    } catch (err) {
      // The database being away is reported by /healthz and the request path; say it here once.
      if (!failing) logger.warn({ err: (err as Error).message }, 'worker heartbeat not written');
      failing = true;
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), beatMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await db.deleteFrom('worker_heartbeats').where('worker_id', '=', workerId).execute().catch(() => {});
    },
  };
}

/** Seconds since the newest heartbeat of any worker; undefined when none has ever beaten. */
export async function newestHeartbeatAge(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('worker_heartbeats')
    .select(sql<number>`extract(epoch from now() - max(seen_at))::float8`.as('age'))
    .executeTakeFirst();
  return row?.age ?? undefined;
}

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';

/** How often a worker says it is alive, and when the readiness check stops believing it. */
export const BEAT_MS = 10_000;
export const STALE_AFTER_SECONDS = 60;

/**
 * A running worker's heartbeat: a row it refreshes every few seconds, so the
 * readiness check (and an operator) can tell that jobs are being run, on any
 * number of processes sharing one database. The row goes when the worker
 * stops; one of a crashed worker is deleted by the next beat of any worker
 * once it is an hour old.
 */
export function startHeartbeat(db: Db, logger: Pick<Logger, 'warn'>): { stop(): Promise<void> } {
  const workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
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
  const timer = setInterval(() => void beat(), BEAT_MS);
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

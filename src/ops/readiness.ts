import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { migrationStatus } from '../db/database.ts';
import { newestHeartbeatAge, STALE_AFTER_SECONDS } from './heartbeat.ts';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  migrations: 'current' | 'pending' | 'newer-than-code' | 'unknown';
  workers: 'ok' | 'stale' | 'none' | 'unknown';
  /** Seconds since the newest worker heartbeat. */
  workerHeartbeatAge?: number;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

/**
 * Whether this instance can do its work, for load balancers and orchestrators
 * (`/readyz`): the database answers, its schema is what this code expects,
 * and some worker ran recently (otherwise mail and reminders silently stop).
 * `/healthz` stays the cheaper "is the process alive and its database up".
 */
export async function checkReadiness(db: Db, timeoutMs = 3000, staleSeconds = STALE_AFTER_SECONDS): Promise<Readiness> {
  try {
    await withTimeout(sql`SELECT 1`.execute(db), timeoutMs);
  } catch {
    return { ready: false, database: 'unreachable', migrations: 'unknown', workers: 'unknown' };
  }
  const status = await withTimeout(migrationStatus(db), timeoutMs);
  const migrations = status.unknown.length ? 'newer-than-code' : status.pending.length ? 'pending' : 'current';
  const age = await withTimeout(newestHeartbeatAge(db), timeoutMs);
  const workers = age === undefined ? 'none' : age > staleSeconds ? 'stale' : 'ok';
  return {
    ready: migrations === 'current' && workers === 'ok',
    database: 'ok',
    migrations,
    workers,
    ...(age !== undefined ? { workerHeartbeatAge: Math.round(age) } : {}),
  };
}

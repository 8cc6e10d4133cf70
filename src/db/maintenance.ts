import { statfs } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './database.ts';

const EVERY_MS = 6 * 3600_000;

/**
 * PGlite has no autovacuum: without statistics the planner picks sequential
 * scans (the inbox went from 1.4 ms to 30 ms at 100k reports). Analyze at
 * start and every few hours. PostgreSQL's autovacuum does this itself.
 */
export function startEmbeddedMaintenance(db: Db, logger: Logger): { stop(): void } {
  const run = () =>
    sql`ANALYZE`
      .execute(db)
      .catch((err: Error) => logger.warn({ err: err.message }, 'ANALYZE failed'));
  void run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Below this the embedded database has room for less than two 16 MB WAL segments: writes are about to fail. */
const CRITICAL_FREE_BYTES = 32 * 1024 * 1024;
/** Low: under 512 MiB, or under a tenth of a smaller file system, and never less than 64 MiB. */
const lowFreeBytes = (total: number) => Math.max(64 * 1024 * 1024, Math.min(512 * 1024 * 1024, total / 10));
const REPEAT_LOW_MS = 6 * 3600_000;

export type FreeSpace = 'ok' | 'low' | 'critical';

/** How much room the file system holding `dir` has left for an unprivileged writer. */
export async function freeSpace(dir: string): Promise<{ free: number; total: number; level: FreeSpace }> {
  const s = await statfs(dir);
  const free = s.bavail * s.bsize;
  const total = s.blocks * s.bsize;
  return { free, total, level: free < CRITICAL_FREE_BYTES ? 'critical' : free < lowFreeBytes(total) ? 'low' : 'ok' };
}

/**
 * Warns before the data directory's file system fills up: a full disk makes
 * the embedded database refuse writes (503) or fail (the server exits, see
 * docs/operations.md). Checks every `everyMs`; logs when the level changes,
 * and repeats a low or critical level every six hours.
 */
export function watchFreeSpace(dir: string, logger: Pick<Logger, 'warn' | 'error' | 'info'>, options: { everyMs?: number } = {}): { stop(): void } {
  let last: FreeSpace = 'ok';
  let loggedAt = 0;
  const check = async () => {
    try {
      const { free, total, level } = await freeSpace(dir);
      const detail = { dir, freeMiB: Math.floor(free / 1048576), totalMiB: Math.floor(total / 1048576) };
      if (level !== last || (level !== 'ok' && Date.now() - loggedAt > REPEAT_LOW_MS)) {
        if (level === 'critical') logger.error(detail, 'the data directory is almost out of disk space: the database will refuse writes soon; free space or enlarge the file system');
        else if (level === 'low') logger.warn(detail, 'the data directory is low on disk space');
        else logger.info(detail, 'the data directory has enough disk space again');
        loggedAt = Date.now();
      }
      last = level;
    } catch (err) {
      logger.warn({ dir, err: (err as Error).message }, 'could not read the free space of the data directory');
    }
  };
  void check();
  const timer = setInterval(() => void check(), options.everyMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

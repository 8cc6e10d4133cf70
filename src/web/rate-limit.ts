import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { RateLimitedError } from '../errors.ts';

/**
 * Fixed-window counter in the database, so limits hold across web processes.
 * Throws RateLimitedError once `max` hits happened within the window.
 */
export async function hitRateLimit(db: Db, key: string, max: number, windowSeconds: number): Promise<void> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, window_ends_at: sql<Date>`now() + ${sql.lit(`${windowSeconds} seconds`)}::interval` })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`CASE WHEN rate_limits.window_ends_at <= now() THEN 1 ELSE rate_limits.hits + 1 END`,
        window_ends_at: sql<Date>`CASE WHEN rate_limits.window_ends_at <= now() THEN now() + ${sql.lit(`${windowSeconds} seconds`)}::interval ELSE rate_limits.window_ends_at END`,
      }),
    )
    .returning(['hits', sql<number>`extract(epoch from window_ends_at - now())`.as('left')])
    .executeTakeFirstOrThrow();
  if (row.hits > max) throw new RateLimitedError(Math.max(1, Math.ceil(Number(row.left))));
}

/** Forget a key, e.g. after a successful login. */
export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

import { createHmac, createSecretKey } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { runPrepared } from '../db/prepared-statements.ts';
import { RateLimitedError } from '../errors.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

declare const rateLimitKeyBrand: unique symbol;

/**
 * A rate-limit row's key, made only by the constructors below, so what a
 * person brings (an IP address, an e-mail address) can never reach the
 * `rate_limits` table in clear: a dump or a backup must not list who tried
 * what from where.
 */
export type RateLimitKey = string & { readonly [rateLimitKeyBrand]: true };

/**
 * Keys for what people bring: `scope:` then an HMAC-SHA256 of the subject
 * under a key derived from the instance secret ("rate-limit", "v1"). Keyed,
 * because IPv4 addresses and known staff e-mails are few enough to hash
 * exhaustively.
 */
export function rateLimitKeys(secret: InstanceSecret): (scope: string, ...subject: string[]) => RateLimitKey {
  const key = createSecretKey(secret.derive('rate-limit', 'v1')); // a key object: far cheaper per HMAC than a Buffer
  return (scope, ...subject) => `${scope}:${createHmac('sha256', key).update([scope, ...subject].join('\0')).digest('base64url')}` as RateLimitKey;
}

/** A key for a subject the caller already holds as a keyed hash (e.g. the block list's sender hash). */
export function digestRateLimitKey(scope: string, keyedHash: Buffer): RateLimitKey {
  return `${scope}:${keyedHash.toString('base64url')}` as RateLimitKey;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A key for a server-made id (a report, an account, a token), which tells nothing about a person. */
export function idRateLimitKey(scope: string, id: string): RateLimitKey {
  if (!UUID.test(id)) throw new Error(`rate-limit key ${scope}: expected a uuid`);
  return `${scope}:${id}` as RateLimitKey;
}

const interval = (seconds: number) => sql`${sql.lit(`${Math.round(seconds)} seconds`)}::interval`;
const secondsLeft = (left: unknown) => Math.max(1, Math.ceil(Number(left)));

/**
 * Fixed-window counter in the database, so limits hold across web processes.
 * Throws RateLimitedError, with the time left in the window, once `max` hits
 * happened within it. Every hit counts; to count failures only, give a
 * success's hit back with `refundRateLimit`.
 */
export async function hitRateLimit(db: Db, key: RateLimitKey, max: number, windowSeconds: number): Promise<void> {
  const row = await countHit(db, key, windowSeconds);
  if (row.hits > max) throw new RateLimitedError(row.retryAfterSeconds);
}

/** Counts a hit without refusing: the caller decides what `hits` over a threshold means. */
export async function countHit(db: Db, key: RateLimitKey, windowSeconds: number): Promise<{ hits: number; retryAfterSeconds: number }> {
  const query = db
    .insertInto('rate_limits')
    .values({ key, hits: 1, window_ends_at: sql<Date>`now() + ${interval(windowSeconds)}` })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`CASE WHEN rate_limits.window_ends_at <= now() THEN 1 ELSE rate_limits.hits + 1 END`,
        window_ends_at: sql<Date>`CASE WHEN rate_limits.window_ends_at <= now() THEN now() + ${interval(windowSeconds)} ELSE rate_limits.window_ends_at END`,
      }),
    )
    .returning(['hits', sql<number>`extract(epoch from window_ends_at - now())`.as('left')]);
  // Every submission, sign-in and link request passes here: kept prepared.
  const [row] = await runPrepared(db, query);
  if (!row) throw new Error('rate limit: the counter returned no row');
  return { hits: row.hits, retryAfterSeconds: secondsLeft(row.left) };
}

/** Gives one hit back (a success that was counted in advance); never below zero. */
export async function refundRateLimit(db: Db, key: RateLimitKey): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set({ hits: sql<number>`hits - 1` })
    .where('key', '=', key)
    .where('hits', '>', 0)
    .execute();
}

/** Forget a key, e.g. after a successful login. */
export async function resetRateLimit(db: Db, key: RateLimitKey): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/**
 * Growing delays: the first `free` attempts cost nothing; after that each
 * attempt must wait `baseSeconds`, doubling per attempt up to `maxSeconds`.
 * The count is forgotten `forgetSeconds` after the last attempt.
 */
export interface BackoffPolicy {
  free: number;
  baseSeconds: number;
  maxSeconds: number;
  forgetSeconds: number;
}

/** The wait an attempt owes after `attempts` earlier ones (pure, for messages and tests). */
export function backoffDelaySeconds(policy: BackoffPolicy, attempts: number): number {
  if (attempts < policy.free) return 0;
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.min(attempts - policy.free, 30));
}

/**
 * Takes one attempt under a growing delay, counted in advance (reset the key
 * on success, so only failures add up). Refuses with RateLimitedError, and
 * the real time left, while the delay since the last attempt runs; a refused
 * attempt is not counted. One statement, so parallel attempts cannot all slip
 * through before the first one is counted.
 *
 * The row keeps `hits` (attempts) and `window_ends_at` (last attempt +
 * forgetSeconds), so the last attempt's time is window_ends_at - forgetSeconds.
 */
export async function takeBackoffAttempt(db: Db, key: RateLimitKey, policy: BackoffPolicy): Promise<void> {
  const forget = interval(policy.forgetSeconds);
  const delayAfter = (hits: ReturnType<typeof sql>) =>
    sql`CASE WHEN ${hits} < ${sql.lit(policy.free)} THEN interval '0 seconds'
             ELSE least(${interval(policy.maxSeconds)}, ${interval(policy.baseSeconds)} * power(2, least(${hits} - ${sql.lit(policy.free)}, 30))) END`;
  const waiting = sql`rate_limits.window_ends_at > now() AND rate_limits.window_ends_at - ${forget} + ${delayAfter(sql`rate_limits.hits`)} > now()`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, window_ends_at: sql<Date>`now() + ${forget}` })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`CASE WHEN rate_limits.window_ends_at <= now() THEN 1 WHEN ${waiting} THEN rate_limits.hits ELSE rate_limits.hits + 1 END`,
        window_ends_at: sql<Date>`CASE WHEN ${waiting} THEN rate_limits.window_ends_at ELSE now() + ${forget} END`,
      }),
    )
    .returning([
      // now() is fixed within the statement: only a counted attempt moved the window to exactly now() + forget.
      sql<boolean>`window_ends_at = now() + ${forget}`.as('counted'),
      sql<number>`extract(epoch from window_ends_at - ${forget} + ${delayAfter(sql`hits`)} - now())`.as('left'),
    ])
    .executeTakeFirstOrThrow();
  if (!row.counted) throw new RateLimitedError(secondsLeft(row.left));
}

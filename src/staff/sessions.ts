import { sql } from 'kysely';
import type { StaffActor } from '../auth/policies.ts';
import type { Db } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import { hashToken, isWellFormedToken, newToken } from '../domain/tokens.ts';

/** Idle sessions end after 12 hours; any session after 7 days. */
const IDLE_MS = 12 * 3600_000;
const ABSOLUTE_MS = 7 * 24 * 3600_000;

/** Creates a session and returns the cookie value (stored only hashed). */
export async function createSession(db: Db, userId: string, now = new Date()): Promise<string> {
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: userId, expires_at: new Date(now.getTime() + ABSOLUTE_MS), last_seen_at: now })
    .execute();
  return token;
}

/** Ends every session of a user but the one with `keepToken` (after a change of second factor). */
export async function endOtherSessions(db: Db, userId: string, keepToken: string | undefined): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepToken) q = q.where('token_hash', '!=', hashToken(keepToken));
  await q.execute();
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  if (!isWellFormedToken(token)) return;
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/**
 * The signed-in staff member behind a cookie value, with their roles and whether they have a second
 * factor (read in the same query: requireStaff needs it on every request); undefined when expired or unknown.
 */
export async function resolveSession(db: Db, token: string | undefined, now = new Date()): Promise<(StaffActor & { hasSecondFactor: boolean }) | undefined> {
  if (!token || !isWellFormedToken(token)) return undefined;
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.user_id')
    .leftJoin('staff_second_factors as f', 'f.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.display_name', 's.last_seen_at', 's.expires_at', 'u.disabled_at', 'f.user_id as second_factor_user_id'])
    // A passkey is a second factor too (it is asked after the password).
    .select((eb) => eb.exists(eb.selectFrom('staff_passkeys as k').select('k.id').whereRef('k.user_id', '=', 'u.id')).as('has_passkey'))
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.disabled_at || row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > IDLE_MS) return undefined;
  // Touch at most once a minute to keep reads cheap.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
  }
  const memberships = await db.selectFrom('memberships').select(['program_id', 'role']).where('user_id', '=', row.id).execute();
  return {
    kind: 'staff',
    userId: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: new Map<string, Role>(memberships.map((m) => [m.program_id, m.role])),
    hasSecondFactor: row.second_factor_user_id !== null || Boolean(row.has_passkey),
  };
}

/** Housekeeping: drop expired sessions. */
export async function purgeExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).execute();
}

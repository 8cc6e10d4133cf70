import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { StaffLinkPurpose } from '../../db/staff-auth-tables.ts';
import { hashToken, isWellFormedToken, newToken } from '../../domain/tokens.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { seal } from '../../mail/seal.ts';
import type { InstanceSecret } from '../../secrets/instance-secret.ts';

/** How long a link works: an invitation waits for someone to read their mail; a reset is asked for now. */
export const LINK_HOURS: Record<StaffLinkPurpose, number> = { invitation: 72, 'password-reset': 2 };
/** Purpose of the sealed token in a 'staff-account-mail' job's payload. */
export const LINK_TOKEN_PURPOSE = 'staff-account-link';

/** Where a link of this purpose leads (the token is the last segment; logs redact it). */
export function accountLinkPath(purpose: StaffLinkPurpose, token: string): string {
  return `${purpose === 'invitation' ? '/staff/invitation' : '/staff/password-reset'}/${token}`;
}

/**
 * Makes a one-time link for an account and queues the mail that carries it, in
 * the caller's transaction: earlier live links of the same purpose stop working.
 * Only the token's SHA-256 is stored; the token travels sealed in the job and is
 * scrubbed from it once sent.
 */
export async function issueAccountLink(
  trx: Db,
  secret: InstanceSecret,
  args: { userId: string; purpose: StaffLinkPurpose; createdBy: string | null; now?: Date },
): Promise<void> {
  const now = args.now ?? new Date();
  const token = newToken();
  const id = randomUUID();
  await trx.updateTable('staff_account_links').set({ used_at: now }).where('user_id', '=', args.userId).where('purpose', '=', args.purpose).where('used_at', 'is', null).execute();
  await trx
    .insertInto('staff_account_links')
    .values({
      id,
      user_id: args.userId,
      purpose: args.purpose,
      token_hash: hashToken(token),
      created_by: args.createdBy,
      created_at: now,
      expires_at: new Date(now.getTime() + LINK_HOURS[args.purpose] * 3_600_000),
    })
    .execute();
  const sealedToken = seal(secret, LINK_TOKEN_PURPOSE, id, Buffer.from(token)).toString('base64');
  await enqueueJob(trx, 'staff-account-mail', { linkId: id, sealedToken });
}

/** Every live link of an account stops working (deactivation). */
export async function voidAccountLinks(trx: Db, userId: string, now = new Date()): Promise<void> {
  await trx.updateTable('staff_account_links').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

/** The account behind a live, unused link of this purpose (to show its form), else undefined. */
export async function findLiveLink(db: Db, token: string, purpose: StaffLinkPurpose): Promise<{ userId: string; email: string; displayName: string } | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const row = await db
    .selectFrom('staff_account_links as l')
    .innerJoin('staff_users as u', 'u.id', 'l.user_id')
    .select(['u.id', 'u.email', 'u.display_name'])
    .where('l.token_hash', '=', hashToken(token))
    .where('l.purpose', '=', purpose)
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row && { userId: row.id, email: row.email, displayName: row.display_name };
}

/**
 * Uses a link up, inside the caller's transaction (`UPDATE … WHERE used_at IS NULL
 * RETURNING`): of two parallel posts exactly one gets the account. Undefined when
 * the link is unknown, used, replaced or expired.
 */
export async function claimLink(trx: Db, token: string, purpose: StaffLinkPurpose): Promise<string | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const row = await trx
    .updateTable('staff_account_links')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

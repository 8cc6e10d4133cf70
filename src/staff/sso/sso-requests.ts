import type { Db } from '../../db/database.ts';
import { hashToken, isWellFormedToken, newToken } from '../../domain/tokens.ts';
import type { AuthorizationChecks } from './oidc-client.ts';

/** How long the person may take at the provider. */
export const SSO_REQUEST_MS = 10 * 60_000;

/**
 * Stores an authorization request's checks and returns the cookie value that binds it to
 * this browser (stored only hashed). Expired requests of everyone are forgotten on the way.
 */
export async function createSsoRequest(
  db: Db,
  request: AuthorizationChecks & { next: string | undefined; linkUserId: string | undefined },
  now = new Date(),
): Promise<string> {
  const token = newToken();
  await db.deleteFrom('staff_sso_requests').where('expires_at', '<=', now).execute();
  await db
    .insertInto('staff_sso_requests')
    .values({
      token_hash: hashToken(token),
      state: request.state,
      nonce: request.nonce,
      code_verifier: request.codeVerifier,
      next: request.next ?? null,
      link_user_id: request.linkUserId ?? null,
      created_at: now,
      expires_at: new Date(now.getTime() + SSO_REQUEST_MS),
    })
    .execute();
  return token;
}

/**
 * Takes the request behind a cookie value out of the table: a callback is used once, so a
 * replayed one (or one from another browser, or too late) finds nothing.
 */
export async function consumeSsoRequest(
  db: Db,
  token: string | undefined,
  now = new Date(),
): Promise<(AuthorizationChecks & { next: string | undefined; linkUserId: string | undefined }) | undefined> {
  if (!token || !isWellFormedToken(token)) return undefined;
  const row = await db
    .deleteFrom('staff_sso_requests')
    .where('token_hash', '=', hashToken(token))
    .returning(['state', 'nonce', 'code_verifier', 'next', 'link_user_id', 'expires_at'])
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, next: row.next ?? undefined, linkUserId: row.link_user_id ?? undefined };
}

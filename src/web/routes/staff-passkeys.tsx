import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { newToken } from '../../domain/tokens.ts';
import { assertionOptions, PASSKEY_REFUSALS, registerPasskey, registrationOptions, relyingParty, removePasskey, verifyAssertion } from '../../staff/passkeys/passkeys.ts';
import { CHALLENGE_MS } from '../../staff/passkeys/challenges.ts';
import { signedInRecently } from '../../staff/passkeys/reauth.ts';
import { consumePendingSignIn, resolvePendingSignIn } from '../../staff/second-factor/pending-sign-ins.ts';
import { endOtherSessions } from '../../staff/sessions.ts';
import { checkCredentials } from '../../staff/staff-users.ts';
import { LOCAL_SIGN_IN_OFF, localSignInAllowed } from '../../staff/sso/password-policy.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { hitRateLimit, idRateLimitKey, rateLimitKeys } from '../rate-limit.ts';
import { requireStaff, sessionCookieName, staffCookieOptions, startStaffSession } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { SsoRefusedPage } from '../views/sso-views.tsx';
import { safeNext } from './staff-auth.tsx';
import { pendingCookieName } from './staff-second-factor.tsx';
import { auditSignInRefused } from '../../audit/audit-hooks.ts';

type Form = { Body: Record<string, string | undefined> };

/** Wrong passwords per account in 15 minutes when confirming a removal (shared with the password change). */
const CURRENT_PASSWORD_TRIES = 10;

function parseCredential(value: string | undefined): unknown {
  if (!value || value.length > 20_000) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * Passkeys (WebAuthn, @simplewebauthn/server): adding and removing them on the account page,
 * signing in without a password, and the second step after a password or single sign-on.
 * Every ceremony is two requests: options (JSON, CSRF header) with a challenge bound to this
 * browser's session, pending sign-in or sign-in cookie, then an ordinary form post with the
 * answer, which uses the challenge up.
 */
export function registerStaffPasskeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);
  const rp = () => relyingParty(ctx.config.baseUrl, 'Embargo');
  const signInCookie = ctx.config.secureCookies ? '__Host-embargo_passkey' : 'embargo_passkey';
  const limitKey = rateLimitKeys(ctx.secret);
  const sessionToken = (req: FastifyRequest) => req.cookies[sessionCookieName(ctx)] ?? '';

  async function refused(req: FastifyRequest, reply: FastifyReply, status: number, message: string) {
    return sendHtml(reply, renderPage(<SsoRefusedPage chrome={chrome(req, reply, await staffProgram(ctx, req))} title="Passkey not accepted" message={message} />), status, { private: true });
  }

  // The account page: add, and remove after re-authentication.
  app.post<{ Body: { password?: unknown } }>('/staff/account/passkeys/options', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const staff = req.staff!;
    reply.header('cache-control', 'no-store');
    // A passkey signs in on its own: a borrowed session must not be able to add one. Who signed in
    // within ten minutes has just proved it; anyone else types their password first.
    if (!(await signedInRecently(ctx.db, sessionToken(req)))) {
      await hitRateLimit(ctx.db, idRateLimitKey('account:current-password', staff.userId), CURRENT_PASSWORD_TRIES, 15 * 60);
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      if ((await checkCredentials(ctx.db, staff.email, password)) !== staff.userId) {
        return reply.code(403).send({ error: 'Type your current password to add a passkey (or sign out and in again).' });
      }
    }
    return registrationOptions(ctx.db, rp(), { userId: staff.userId, email: staff.email, displayName: staff.displayName, sessionToken: sessionToken(req) });
  });

  app.post<Form>('/staff/account/passkeys', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const staff = req.staff!;
    const result = await registerPasskey(ctx.db, rp(), { userId: staff.userId, sessionToken: sessionToken(req), name: String(req.body?.name ?? ''), response: parseCredential(req.body?.credential) });
    if (!result.ok) {
      req.log.warn({ reason: result.reason }, 'passkey registration refused');
      return reply.redirect('/staff/account?passkey=not-added#passkeys', 303);
    }
    // Like a new authenticator app: sessions opened before (by whoever) end; this one stays.
    await endOtherSessions(ctx.db, staff.userId, sessionToken(req));
    req.log.info({ userId: staff.userId, passkeyId: result.id }, 'passkey added');
    return reply.redirect('/staff/account?passkey=added#passkeys', 303);
  });

  app.post('/staff/account/passkeys/confirm-options', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return assertionOptions(ctx.db, rp(), { purpose: 'confirm', bindingToken: sessionToken(req), userId: req.staff!.userId });
  });

  app.post<{ Params: { id: string } } & Form>('/staff/account/passkeys/:id/remove', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const staff = req.staff!;
    // Re-authentication in this very request: one of the account's passkeys, or its password.
    const credential = parseCredential(req.body?.credential);
    let confirmed = false;
    if (credential) {
      const check = await verifyAssertion(ctx.db, rp(), { purpose: 'confirm', bindingToken: sessionToken(req), response: credential });
      confirmed = check.ok && check.userId === staff.userId;
    } else {
      await hitRateLimit(ctx.db, idRateLimitKey('account:current-password', staff.userId), CURRENT_PASSWORD_TRIES, 15 * 60);
      confirmed = (await checkCredentials(ctx.db, staff.email, String(req.body?.password ?? ''))) === staff.userId;
    }
    if (!confirmed) return reply.redirect('/staff/account?passkey=not-confirmed#passkeys', 303);
    if (!(await removePasskey(ctx.db, staff.userId, req.params.id))) return reply.redirect('/staff/account?passkey=gone#passkeys', 303);
    req.log.warn({ userId: staff.userId, passkeyId: req.params.id }, 'passkey removed');
    return reply.redirect('/staff/account?passkey=removed#passkeys', 303);
  });

  // Signing in without a password.
  app.post('/staff/login/passkey/options', { preHandler: app.csrfProtection }, async (req, reply) => {
    // Each request writes a challenge: plenty for people, little for a script.
    await hitRateLimit(ctx.db, limitKey('passkey:options', req.ip), 30, 600);
    const token = newToken();
    reply.setCookie(signInCookie, token, { ...staffCookieOptions(ctx), maxAge: CHALLENGE_MS / 1000 });
    reply.header('cache-control', 'no-store');
    return assertionOptions(ctx.db, rp(), { purpose: 'sign-in', bindingToken: token, userId: null });
  });

  app.post<Form>('/staff/login/passkey', { preHandler: app.csrfProtection }, async (req, reply) => {
    const token = req.cookies[signInCookie];
    reply.clearCookie(signInCookie, staffCookieOptions(ctx));
    if (!token) return (await auditSignInRefused(ctx, req.ip, 'passkey-refused', 'no-challenge'), refused(req, reply, 400, PASSKEY_REFUSALS['no-challenge']));
    const result = await verifyAssertion(ctx.db, rp(), { purpose: 'sign-in', bindingToken: token, response: parseCredential(req.body?.credential) });
    if (!result.ok) {
      req.log.warn({ reason: result.reason }, 'passkey sign-in refused');
      await auditSignInRefused(ctx, req.ip, 'passkey-refused', result.reason);
      return refused(req, reply, 401, PASSKEY_REFUSALS[result.reason]);
    }
    const user = await ctx.db.selectFrom('staff_users').select(['email', 'disabled_at']).where('id', '=', result.userId).executeTakeFirstOrThrow();
    if (user.disabled_at) return (await auditSignInRefused(ctx, req.ip, 'passkey-refused', 'account-deactivated'), refused(req, reply, 403, 'This account is deactivated. Ask an administrator.'));
    if (!localSignInAllowed(ctx.config, user.email)) return (await auditSignInRefused(ctx, req.ip, 'passkey-refused', 'password-sign-in-off'), refused(req, reply, 403, LOCAL_SIGN_IN_OFF));
    req.log.info({ userId: result.userId }, 'staff sign-in with a passkey');
    await startStaffSession(ctx, reply, result.userId);
    return reply.redirect(safeNext(req.body?.next), 303);
  });

  // The second step, after a password or single sign-on.
  const pendingCookie = pendingCookieName(ctx);
  app.post('/staff/login/second-factor/passkey/options', { preHandler: app.csrfProtection }, async (req, reply) => {
    const token = req.cookies[pendingCookie];
    const pending = await resolvePendingSignIn(ctx.db, token);
    if (!pending || !token) return reply.code(409).send({ error: 'The sign-in expired. Start again.' });
    reply.header('cache-control', 'no-store');
    return assertionOptions(ctx.db, rp(), { purpose: 'second-factor', bindingToken: token, userId: pending.userId });
  });

  app.post<Form>('/staff/login/second-factor/passkey', { preHandler: app.csrfProtection }, async (req, reply) => {
    const token = req.cookies[pendingCookie];
    const pending = await resolvePendingSignIn(ctx.db, token);
    if (!pending || !token) return reply.redirect('/staff/login', 303);
    const result = await verifyAssertion(ctx.db, rp(), { purpose: 'second-factor', bindingToken: token, response: parseCredential(req.body?.credential) });
    if (!result.ok || result.userId !== pending.userId) {
      req.log.warn({ reason: result.ok ? 'other-account' : result.reason }, 'passkey second step refused');
      return refused(req, reply, 401, PASSKEY_REFUSALS[result.ok ? 'unknown-credential' : result.reason]);
    }
    if (!(await consumePendingSignIn(ctx.db, token))) return reply.redirect('/staff/login', 303);
    reply.clearCookie(pendingCookie, staffCookieOptions(ctx));
    await startStaffSession(ctx, reply, pending.userId);
    return reply.redirect(pending.next ?? '/staff/reports', 303);
  });
}

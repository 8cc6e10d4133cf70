import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { hasAnySecondFactor } from '../../staff/passkeys/any-second-factor.ts';
import { authorizationUrl, CallbackRefusedError, completeAuthorization, newAuthorizationChecks, ProviderUnavailableError } from '../../staff/sso/oidc-client.ts';
import { consumeSsoRequest, createSsoRequest, SSO_REQUEST_MS } from '../../staff/sso/sso-requests.ts';
import { signInWithIdentity, SSO_REFUSALS } from '../../staff/sso/sso-sign-in.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { hitRateLimit, idRateLimitKey, rateLimitKeys } from '../rate-limit.ts';
import { requireStaff, sessionCookieName, startStaffSession } from '../require-staff.ts';
import { signedInRecently } from '../../staff/passkeys/reauth.ts';
import { checkCredentials } from '../../staff/staff-users.ts';
import { renderPage } from '../views/layout.tsx';
import { SsoRefusedPage } from '../views/sso-views.tsx';
import { beginSecondFactorSignIn } from './staff-second-factor.tsx';
import { safeNext } from './staff-auth.tsx';
import { auditSignInRefused } from '../../audit/audit-hooks.ts';

/**
 * Staff single sign-on (OpenID Connect, authorization code flow with PKCE):
 * /staff/login/sso sends the browser to the provider, /staff/login/sso/callback
 * brings it back; /staff/account/sso/link links a signed-in account to its identity.
 * Registered only when EMBARGO_OIDC_ISSUER is set.
 */
export function registerStaffSsoRoutes(app: FastifyInstance, ctx: AppContext): void {
  const sso = ctx.config.sso;
  if (!sso) return;
  // Lax, not Strict: the provider's redirect back is a cross-site navigation that must carry it.
  const cookieName = ctx.config.secureCookies ? '__Host-embargo_sso' : 'embargo_sso';
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.secureCookies };
  const redirectUri = `${ctx.config.baseUrl}/staff/login/sso/callback`;
  const limitKey = rateLimitKeys(ctx.secret);

  async function refused(req: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string) {
    return sendHtml(reply, renderPage(<SsoRefusedPage chrome={chrome(req, reply, await staffProgram(ctx, req))} title={title} message={message} />), status, { private: true });
  }

  async function start(req: FastifyRequest, reply: FastifyReply, options: { next?: string | undefined; linkUserId?: string | undefined }) {
    // Each start writes a row: a few a minute per address is plenty for people.
    await hitRateLimit(ctx.db, limitKey('sso:start', req.ip), 30, 600);
    const checks = newAuthorizationChecks();
    let url: URL;
    try {
      url = await authorizationUrl(sso!, redirectUri, checks);
    } catch (err) {
      if (!(err instanceof ProviderUnavailableError)) throw err;
      req.log.warn({ err: err.message }, 'single sign-on: provider unavailable');
      reply.header('retry-after', '60');
      return refused(req, reply, 503, 'Single sign-on unavailable', `${sso!.label} could not be reached. Try again in a minute.`);
    }
    const token = await createSsoRequest(ctx.db, { ...checks, next: options.next, linkUserId: options.linkUserId });
    reply.setCookie(cookieName, token, { ...cookieOptions, maxAge: SSO_REQUEST_MS / 1000 });
    return reply.redirect(url.href, 303);
  }

  app.get<{ Querystring: { next?: string } }>('/staff/login/sso', async (req, reply) => start(req, reply, { next: safeNext(req.query.next) }));

  app.post<{ Body: { password?: unknown } }>('/staff/account/sso/link', { preHandler: [requireStaff(ctx), app.csrfProtection] }, async (req, reply) => {
    const staff = req.staff!;
    // A linked identity signs in as this account on its own: like adding a passkey, a borrowed
    // session must not be able to plant one. Who signed in within ten minutes has just proved it;
    // anyone else types their current password first (the same tries as the password change).
    if (!(await signedInRecently(ctx.db, req.cookies[sessionCookieName(ctx)]))) {
      await hitRateLimit(ctx.db, idRateLimitKey('account:current-password', staff.userId), 10, 15 * 60);
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      if ((await checkCredentials(ctx.db, staff.email, password)) !== staff.userId) {
        return reply.redirect('/staff/account?done=sso-not-confirmed#sso-heading', 303);
      }
    }
    return start(req, reply, { next: '/staff/account', linkUserId: staff.userId });
  });

  app.get('/staff/login/sso/callback', async (req, reply) => {
    const request = await consumeSsoRequest(ctx.db, req.cookies[cookieName]);
    reply.clearCookie(cookieName, cookieOptions);
    if (!request) {
      await auditSignInRefused(ctx, req.ip, 'sso-refused', 'no-sign-in-started');
      return refused(req, reply, 400, 'Sign-in link no longer valid',
        'This sign-in was already finished, took longer than ten minutes, or was started in another browser. Start again from the sign-in page.');
    }
    let identity;
    try {
      // The URL the provider redirected to (EMBARGO_BASE_URL may carry a path a proxy strips), with its answer.
      const callbackUrl = new URL(redirectUri);
      callbackUrl.search = new URL(req.url, 'http://callback.invalid').search;
      identity = await completeAuthorization(sso, callbackUrl, request);
    } catch (err) {
      if (err instanceof ProviderUnavailableError) {
        reply.header('retry-after', '60');
        return refused(req, reply, 503, 'Single sign-on unavailable', `${sso.label} could not be reached. Try again in a minute.`);
      }
      if (!(err instanceof CallbackRefusedError)) throw err;
      req.log.warn({ reason: err.code }, 'single sign-on callback refused');
      await auditSignInRefused(ctx, req.ip, 'sso-refused', err.code);
      return refused(req, reply, 400, 'Sign-in not accepted', `The answer from ${sso.label} did not pass Embargo's checks. Start again from the sign-in page.`);
    }
    const outcome = await signInWithIdentity(ctx.db, sso, identity, { linkUserId: request.linkUserId });
    if (!outcome.ok) {
      req.log.warn({ reason: outcome.reason }, 'single sign-on refused');
      await auditSignInRefused(ctx, req.ip, 'sso-refused', outcome.reason);
      return refused(req, reply, 403, 'Sign-in refused', SSO_REFUSALS[outcome.reason]);
    }
    if (request.linkUserId) {
      req.log.info({ userId: outcome.userId }, 'single sign-on identity linked');
      return reply.redirect('/staff/account?done=sso-linked', 303);
    }
    req.log.info({ userId: outcome.userId, created: outcome.created }, 'staff sign-in through single sign-on');
    const next = request.next ?? '/staff/reports';
    // A second factor set up in Embargo is asked after any first step, the provider's included.
    if (await hasAnySecondFactor(ctx.db, outcome.userId)) return beginSecondFactorSignIn(ctx, reply, outcome.userId, next);
    await startStaffSession(ctx, reply, outcome.userId);
    return reply.redirect(next, 303);
  });
}

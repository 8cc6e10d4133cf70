import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { createSession, resolveSession } from '../staff/sessions.ts';
import { auditSignIn } from '../audit/audit-hooks.ts';

/** Where staff set up their second factor; EMBARGO_REQUIRE_SECOND_FACTOR sends them here until they have. */
export const SECOND_FACTOR_ENROLMENT_PATH = '/staff/account/security';

export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.secureCookies ? '__Host-embargo_session' : 'embargo_session';
}

/** Attributes of the staff cookies (the session, and the pending sign-in of the second step). */
export function staffCookieOptions(ctx: AppContext) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: ctx.config.secureCookies };
}

/** Opens a session for a staff member who just proved who they are, and sets its cookie. */
export async function startStaffSession(ctx: AppContext, reply: FastifyReply, userId: string): Promise<void> {
  const token = await createSession(ctx.db, userId);
  await auditSignIn(ctx, userId);
  reply.setCookie(sessionCookieName(ctx), token, { ...staffCookieOptions(ctx), maxAge: 7 * 24 * 3600 });
}

/**
 * preHandler for every /staff route but sign-in: resolves the session or sends the browser to sign in.
 * With EMBARGO_REQUIRE_SECOND_FACTOR, staff without a second factor are sent to set one up, except on
 * the routes that do that (`enrolling: true`).
 */
export function requireStaff(ctx: AppContext, options: { enrolling?: boolean } = {}): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    const session = await resolveSession(ctx.db, req.cookies[sessionCookieName(ctx)]);
    if (!session) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      return reply.redirect(`/staff/login${next}`, 303);
    }
    const { hasSecondFactor, ...actor } = session;
    req.staff = actor;
    reply.header('cache-control', 'no-store');
    if (ctx.config.requireSecondFactor && !options.enrolling && !hasSecondFactor) {
      return reply.redirect(SECOND_FACTOR_ENROLMENT_PATH, 303);
    }
  };
}

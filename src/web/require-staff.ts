import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { hasSecondFactor } from '../staff/second-factor/second-factors.ts';
import { resolveSession } from '../staff/sessions.ts';

/** Where staff set up their second factor; EMBARGO_REQUIRE_SECOND_FACTOR sends them here until they have. */
export const SECOND_FACTOR_ENROLMENT_PATH = '/staff/account/security';

export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.secureCookies ? '__Host-embargo_session' : 'embargo_session';
}

/**
 * preHandler for every /staff route but sign-in: resolves the session or sends the browser to sign in.
 * With EMBARGO_REQUIRE_SECOND_FACTOR, staff without a second factor are sent to set one up, except on
 * the routes that do that (`enrolling: true`).
 */
export function requireStaff(ctx: AppContext, options: { enrolling?: boolean } = {}): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    const actor = await resolveSession(ctx.db, req.cookies[sessionCookieName(ctx)]);
    if (!actor) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      return reply.redirect(`/staff/login${next}`, 303);
    }
    req.staff = actor;
    reply.header('cache-control', 'no-store');
    if (ctx.config.requireSecondFactor && !options.enrolling && !(await hasSecondFactor(ctx.db, actor.userId))) {
      return reply.redirect(SECOND_FACTOR_ENROLMENT_PATH, 303);
    }
  };
}

import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { resolveSession } from '../staff/sessions.ts';

export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.secureCookies ? '__Host-embargo_session' : 'embargo_session';
}

/** preHandler for every /staff route but sign-in: resolves the session or sends the browser to sign in. */
export function requireStaff(ctx: AppContext): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    const actor = await resolveSession(ctx.db, req.cookies[sessionCookieName(ctx)]);
    if (!actor) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      return reply.redirect(`/staff/login${next}`, 303);
    }
    req.staff = actor;
    reply.header('cache-control', 'no-store');
  };
}

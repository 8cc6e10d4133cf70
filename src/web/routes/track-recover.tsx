import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfRefusal } from '../error-handler.tsx';
import type { AppContext } from '../../context.ts';
import { RateLimitedError } from '../../errors.ts';
import { requestTrackingLink } from '../../reports/recover-tracking-link.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import { chrome, requestProgram, sendHtml } from '../page-context.ts';
import { digestRateLimitKey, hitRateLimit } from '../rate-limit.ts';
import { renderPage } from '../views/layout.tsx';
import { TrackRecoverPage, type RecoverValues } from '../views/track-recover-page.tsx';

/** Requests per client address per hour: a reporter needs one or two, a script guessing pairs is stopped. */
const REQUESTS_PER_IP_PER_HOUR = 10;
/** Requests naming one address per hour; beyond it the page says the same and nothing is queued. */
const REQUESTS_PER_ADDRESS_PER_HOUR = 3;

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');

/**
 * A lost tracking link, asked for again by reference and e-mail address. The
 * answer never depends on whether they match: the request is queued as is and
 * matched by the worker (src/reports/recover-tracking-link.ts).
 */
export function registerTrackRecoverRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Rate-limit keys are keyed hashes: the table never holds an address or a client IP.
  const hasher = senderHasher(ctx.secret);

  app.get('/track/recover', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    const sent = (req.query as Record<string, string | undefined>).sent === '1';
    const page = <TrackRecoverPage chrome={chrome(req, reply, program)} csrf={reply.generateCsrf()} values={{ reference: '', email: '' }} errors={{}} sent={sent} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  // A refused token: the form again with what was typed and a fresh token (and cookie), saying why.
  const keepTypedOnCsrf = async (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const refusal = csrfRefusal(err);
    if (!refusal) throw err;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: RecoverValues = { reference: field(body, 'reference').slice(0, 100), email: field(body, 'email').slice(0, 320) };
    const page = <TrackRecoverPage chrome={chrome(req, reply, await requestProgram(ctx, req))} csrf={reply.generateCsrf()} values={values} errors={{ _form: refusal.message }} sent={false} />;
    return sendHtml(reply, renderPage(page), refusal.status, { private: true });
  };

  app.post('/track/recover', { preHandler: app.csrfProtection, errorHandler: keepTypedOnCsrf }, async (req, reply) => {
    const program = await requestProgram(ctx, req);
    await hitRateLimit(ctx.db, digestRateLimitKey('recover:ip', hasher.ip(req.ip)), REQUESTS_PER_IP_PER_HOUR, 3600);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: RecoverValues = { reference: field(body, 'reference').slice(0, 100), email: field(body, 'email').slice(0, 320) };
    const errors: Record<string, string> = {};
    const pageChrome = chrome(req, reply, program);
    const { t } = pageChrome.t;
    if (!values.reference.trim()) errors.reference = t('recover.error.reference');
    if (!/^[^\s@]+@[^\s@]+$/.test(values.email.trim())) errors.email = t('recover.error.email');
    if (Object.keys(errors).length > 0) {
      const page = <TrackRecoverPage chrome={pageChrome} csrf={reply.generateCsrf()} values={values} errors={errors} sent={false} />;
      return sendHtml(reply, renderPage(page), 422, { private: true });
    }
    let queue = true;
    try {
      await hitRateLimit(ctx.db, digestRateLimitKey('recover:address', hasher.email(values.email)), REQUESTS_PER_ADDRESS_PER_HOUR, 3600);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      queue = false;
    }
    if (queue) await requestTrackingLink(ctx.db, ctx.secret, { programId: program.id, reference: values.reference, email: values.email });
    // 303 so a reload does not ask again (which would replace the link just mailed); the same answer either way.
    return reply.redirect('/track/recover?sent=1', 303);
  });
}

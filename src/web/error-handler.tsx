import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { asDatabaseUnavailable } from '../db/database-errors.ts';
import { AppError, DatabaseUnavailableError, RateLimitedError, ValidationError } from '../errors.ts';
import { chrome, sendHtml } from './page-context.ts';
import { renderPage } from './views/layout.tsx';
import { MessagePage } from './views/staff-auth-pages.tsx';
import type { PageChrome } from './views/layout.tsx';
import { programSlugForHost } from '../programs/program-hosts.ts';
import { CATALOGUES, type MessageKey } from '../i18n/catalogues.ts';
import type { Translator } from '../i18n/translator.ts';

export interface Answer {
  status: number;
  code: string;
  title: string;
  message: string;
  /** validation_failed: a message per field, sent to API clients. */
  fields?: Record<string, string>;
}

/** Maps any error to what a person (or client) may see; the detail goes to the log only. */
function toAnswer(err: FastifyError | Error): Answer {
  if (err instanceof AppError) {
    const titles: Record<number, string> = { 401: 'Not signed in', 404: 'Not found', 403: 'Not allowed', 409: 'Not possible', 413: 'Too large', 422: 'Check your input', 429: 'Slow down', 503: 'Briefly unavailable' };
    const fields = err instanceof ValidationError ? { fields: err.fields } : {};
    return { status: err.status, code: err.code, title: titles[err.status] ?? 'Error', message: err.message, ...fields };
  }
  const refusal = csrfRefusal(err);
  if (refusal) return refusal;
  const code = (err as FastifyError).code;
  const status = (err as FastifyError).statusCode;
  // Stable codes for API clients; pages show the same generic "bad request" wording.
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, code: 'invalid_json', title: 'Bad request', message: 'The body is not valid JSON.' };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, code: 'unsupported_media_type', title: 'Bad request', message: 'This content type is not accepted here.' };
  }
  if (status === 413 || code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT') {
    return { status: 413, code: 'payload_too_large', title: 'Too large', message: 'What you sent is larger than this server accepts. Shorten the text or attach fewer or smaller files.' };
  }
  if (status && status >= 400 && status < 500) {
    return { status, code: 'bad_request', title: 'Bad request', message: 'The request could not be understood. Go back and try again.' };
  }
  return { status: 500, code: 'internal_error', title: 'Something went wrong', message: 'An unexpected error occurred. Nothing you sent has been acknowledged; please try again in a moment.' };
}

/**
 * A refused form (CSRF): the cookie that binds forms to this browser never
 * came back (cookies blocked), or it did and the form's token does not match
 * it (a page left open across a new cookie). Each gets words that say what to
 * do; undefined for any other error.
 */
export function csrfRefusal(err: unknown): Answer | undefined {
  const code = (err as FastifyError | undefined)?.code;
  if (code === 'FST_CSRF_MISSING_SECRET') {
    return {
      status: 403,
      code: 'csrf_cookie_missing',
      title: 'Cookies are needed to send this form',
      message:
        'Your browser did not send back the cookie that protects this form against forgery, so the form could not be accepted. ' +
        'Allow cookies for this site (it sets only this one, and a sign-in cookie for staff), then reload the form and send it again. ' +
        'Your browser’s Back button usually still shows what you typed: copy it before reloading.',
    };
  }
  if (code === 'FST_CSRF_INVALID_TOKEN') {
    return {
      status: 403,
      code: 'csrf_failed',
      title: 'This form has expired',
      message:
        'For your safety the form could not be accepted: it was opened before your browser got its current security token. ' +
        'Reload the form and send it again; your browser’s Back button usually still shows what you typed.',
    };
  }
  return undefined;
}

/** The header of error pages: the host's program's name and navigation, from the configuration (no database needed: a 503 has none). */
function errorChrome(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): PageChrome {
  const slug = programSlugForHost(ctx.config.programs, ctx.defaultProgramSlug, req.hostname);
  const config = ctx.config.programs.find((p) => p.slug === slug) ?? ctx.config.programs[0];
  return chrome(req, reply, config ? { config } : undefined);
}

/** Fixed sentences per error code for readers of another language; a code without one keeps its message. */
const CODE_MESSAGES: Readonly<Record<string, MessageKey>> = {
  not_found: 'error.notFound',
  bad_request: 'error.badRequest',
  invalid_json: 'error.badRequest',
  unsupported_media_type: 'error.badRequest',
  payload_too_large: 'error.tooLarge',
  internal_error: 'error.internal',
  database_unavailable: 'error.unavailable',
  csrf_cookie_missing: 'error.csrfCookie',
  csrf_failed: 'error.csrfExpired',
};

/** An error page's title and sentence in the reader's language (the API and staff keep English). */
function localizedAnswer(answer: Answer, tr: Translator, reply: FastifyReply): Answer {
  const titleKey =
    answer.code === 'csrf_cookie_missing' ? 'error.csrfCookie.title' : answer.code === 'csrf_failed' ? 'error.csrfExpired.title' : (`error.title.${answer.status}` as MessageKey);
  const title = titleKey in CATALOGUES.en ? tr.t(titleKey) : tr.t('error.title.other');
  const retryAfter = Number(reply.getHeader('retry-after') ?? 60);
  const message =
    answer.code === 'rate_limited'
      ? tr.t('error.rateLimited', { minutes: Math.max(1, Math.ceil(retryAfter / 60)) })
      : CODE_MESSAGES[answer.code]
        ? tr.t(CODE_MESSAGES[answer.code]!)
        : answer.message;
  return { ...answer, title, message };
}

export function sendError(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, answer: Answer): FastifyReply {
  // A RateLimitedError already set the real time left; 60 s only for a 429 that knows none.
  if (answer.status === 429 && answer.code === 'rate_limited' && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
  if (req.url.startsWith('/api/')) {
    const fields = answer.fields ? { fields: answer.fields } : {};
    return reply.code(answer.status).send({ error: { code: answer.code, message: answer.message, ...fields } });
  }
  const pageChrome = errorChrome(ctx, req, reply);
  const shown = pageChrome.t.language === 'en' ? answer : localizedAnswer(answer, pageChrome.t, reply);
  const html = renderPage(<MessagePage chrome={pageChrome} title={shown.title} message={shown.message} />);
  return sendHtml(reply, html, answer.status, { private: true });
}

export function registerErrorHandling(app: FastifyInstance, ctx: AppContext): void {
  app.setErrorHandler((thrown, req, reply) => {
    // A connection error that reached here without passing the guarded pool (src/db/guarded-pool.ts) is still a 503.
    const err = asDatabaseUnavailable(thrown) as Error;
    const answer = toAnswer(err);
    // The database's state change is logged once at error level (src/db/database.ts); each refused request only warns.
    if (err instanceof DatabaseUnavailableError) req.log.warn({ code: answer.code, trouble: err.trouble, err: (err.cause as Error | undefined)?.message }, 'request refused: database unavailable');
    else if (answer.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: answer.code, status: answer.status }, 'request refused');
    if (err instanceof RateLimitedError || err instanceof DatabaseUnavailableError) reply.header('retry-after', String(err.retryAfterSeconds));
    return sendError(ctx, req, reply, answer);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(ctx, req, reply, { status: 404, code: 'not_found', title: 'Not found', message: 'This page does not exist, or you do not have access to it.' }),
  );
}

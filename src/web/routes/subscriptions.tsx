import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError, RateLimitedError } from '../../errors.ts';
import { loadProgram, type Program } from '../../programs/programs.ts';
import { confirmSubscription, findConfirmable } from '../../subscriptions/confirm-subscription.ts';
import { listSubscribers, SUBSCRIBER_LIST_LIMIT, subscriberProgram } from '../../subscriptions/list-subscribers.ts';
import { requestSubscription } from '../../subscriptions/request-subscription.ts';
import { formValues, parseSubscriptionForm } from '../../subscriptions/subscription-input.ts';
import { findByUnsubscribeToken, removeSubscriber, unsubscribe } from '../../subscriptions/unsubscribe.ts';
import { chrome, requestProgram, sendHtml } from '../page-context.ts';
import { requestLanguage } from '../request-language.ts';
import type { Translator } from '../../i18n/translator.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import { digestRateLimitKey, hitRateLimit } from '../rate-limit.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import {
  ConfirmSubscriptionPage,
  StaffSubscribersPage,
  SubscribePage,
  SubscribeSentPage,
  SubscriptionMessagePage,
  UnsubscribePage,
  type ProgramSubscribers,
} from '../views/subscription-pages.tsx';

/** The subscribe form's messages in the reader's language (src/subscriptions keeps the English ones). */
function localizedSubscriptionErrors(errors: Record<string, string>, tr: Translator): Record<string, string> {
  if (tr.language === 'en') return errors;
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, field === 'email' ? tr.t('subscribe.error.email') : field === 'products' ? tr.t('subscribe.error.products') : message]));
}

/** Subscribe requests per client address per hour: a person needs a few, a script is stopped. */
const REQUESTS_PER_IP_PER_HOUR = 20;
/** Mails to one address per hour: nobody can flood a mailbox through our form. Beyond it the page says the same, and nothing is sent. */
const MAILS_PER_ADDRESS_PER_HOUR = 3;

/**
 * Customer subscriptions: subscribe (double opt-in), confirm, unsubscribe; the
 * team's subscriber page. Public forms work without JavaScript and carry a
 * CSRF token, except the one-click unsubscribe POST (RFC 8058): mail clients
 * send it without one, and the token in its URL is the capability.
 */
export function registerSubscriptionRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Rate-limit keys are keyed hashes: the table never holds an address or a client IP.
  const hasher = senderHasher(ctx.secret);
  const auth = requireStaff(ctx);
  const invalidLink = (req: FastifyRequest, reply: FastifyReply, program: Program) => {
    const { t } = chrome(req, reply, program).t;
    return message(req, reply, program, 404, t('subscribe.invalid.title'), t('subscribe.invalid'), 'error');
  };
  const message = (req: FastifyRequest, reply: FastifyReply, program: Program, status: number, title: string, text: string, kind?: 'success' | 'error') =>
    sendHtml(reply, renderPage(<SubscriptionMessagePage chrome={chrome(req, reply, program)} title={title} message={text} {...(kind ? { kind } : {})} />), status, { private: true });

  app.get('/subscribe', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    const page = <SubscribePage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} values={{ email: '', allProducts: false, products: [] }} errors={{}} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post('/subscribe', { preHandler: app.csrfProtection }, async (req, reply) => {
    const program = await requestProgram(ctx, req);
    await hitRateLimit(ctx.db, digestRateLimitKey('subscribe:ip', hasher.ip(req.ip)), REQUESTS_PER_IP_PER_HOUR, 3600);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = parseSubscriptionForm(body, program.config.products.map((p) => p.id));
    if (!parsed.ok) {
      const pageChrome = chrome(req, reply, program);
      const page = <SubscribePage chrome={pageChrome} program={program} csrf={reply.generateCsrf()} values={formValues(body)} errors={localizedSubscriptionErrors(parsed.errors, pageChrome.t)} />;
      return sendHtml(reply, renderPage(page), 422, { private: true });
    }
    let sendMail = true;
    try {
      await hitRateLimit(ctx.db, digestRateLimitKey('subscribe:address', hasher.email(parsed.value.email)), MAILS_PER_ADDRESS_PER_HOUR, 3600);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      sendMail = false;
    }
    // The page's language is the subscriber's: their mail is written in it.
    const language = requestLanguage(req, program.config);
    await requestSubscription(ctx.db, ctx.vault, ctx.secret, { programId: program.id, request: parsed.value, sendMail, language });
    // 303 so a reload does not send again; the same page whatever the address was.
    return reply.redirect('/subscribe/sent', 303);
  });

  app.get('/subscribe/sent', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    return sendHtml(reply, renderPage(<SubscribeSentPage chrome={chrome(req, reply, program)} />), 200, { private: true });
  });

  app.get<{ Params: { token: string } }>('/subscribe/confirm/:token', async (req, reply) => {
    const confirmable = await findConfirmable(ctx.db, req.params.token);
    const program = confirmable && (await loadProgram(ctx.db, { id: confirmable.programId }));
    if (!confirmable || !program) return invalidLink(req, reply, await requestProgram(ctx, req));
    const page = <ConfirmSubscriptionPage chrome={chrome(req, reply, program)} program={program} token={req.params.token} confirmable={confirmable} csrf={reply.generateCsrf()} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<{ Params: { token: string } }>('/subscribe/confirm/:token', { preHandler: app.csrfProtection }, async (req, reply) => {
    const done = await confirmSubscription(ctx.db, req.params.token);
    const program = done ? await loadProgram(ctx.db, { id: done.programId }) : undefined;
    if (!done || !program) return invalidLink(req, reply, await requestProgram(ctx, req));
    const { t } = chrome(req, reply, program).t;
    const text = t('subscribe.done', { change: done.change ? 'yes' : 'no', vendor: program.config.vendor });
    return message(req, reply, program, 200, t(done.change ? 'subscribe.done.changedTitle' : 'subscribe.done.title'), text, 'success');
  });

  app.get<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    // Mail scanners fetch links: the GET only shows the button.
    const found = await findByUnsubscribeToken(ctx.db, req.params.token);
    const program = (found && (await loadProgram(ctx.db, { id: found.programId }))) || (await requestProgram(ctx, req));
    const { t } = chrome(req, reply, program).t;
    if (!found) return message(req, reply, program, 404, t('subscribe.notSubscribed.title'), t('subscribe.notSubscribed'));
    return sendHtml(reply, renderPage(<UnsubscribePage chrome={chrome(req, reply, program)} vendor={program.config.vendor} token={req.params.token} />), 200, { private: true });
  });

  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" without cookies or a CSRF token.
  // No CSRF check on purpose: the unguessable token in the URL is the capability, and unsubscribing is all it can do.
  app.post<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    const found = await findByUnsubscribeToken(ctx.db, req.params.token);
    const program = (found && (await loadProgram(ctx.db, { id: found.programId }))) || (await requestProgram(ctx, req));
    const removed = await unsubscribe(ctx.db, req.params.token);
    if (removed) req.log.info('a subscriber unsubscribed');
    // Doing it twice is not an error: the address is off the list either way.
    const { t } = chrome(req, reply, program).t;
    return message(req, reply, program, 200, t('subscribe.unsubscribed.title'), t('subscribe.unsubscribed', { vendor: program.config.vendor }), 'success');
  });

  app.get('/staff/subscribers', { preHandler: auth }, async (req, reply) => {
    const programs: ProgramSubscribers[] = [];
    for (const programId of req.staff!.roles.keys()) {
      if (!can.viewSubscribers(req.staff!, programId)) continue;
      const program = await loadProgram(ctx.db, { id: programId });
      if (!program) continue;
      const list = await listSubscribers(ctx.db, ctx.vault, program.id, program.config.products.map((p) => p.id));
      programs.push({ program, ...list, canRemove: can.removeSubscriber(req.staff!, program.id) });
    }
    if (programs.length === 0) throw new NotFoundError('This page');
    const done = (req.query as Record<string, string | undefined>).done;
    const page = (
      <StaffSubscribersPage
        chrome={chrome(req, reply, programs[0]!.program)}
        programs={programs}
        csrf={reply.generateCsrf()}
        limit={SUBSCRIBER_LIST_LIMIT}
        {...(done === 'removed' ? { flash: { kind: 'success' as const, message: 'Subscriber removed: their address is deleted and they get no more mail.' } } : {})}
      />
    );
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<{ Params: { id: string } }>('/staff/subscribers/:id/remove', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const programId = await subscriberProgram(ctx.db, req.params.id);
    // Unknown, or of a program the caller may not manage: the same "not found".
    if (!programId || !can.removeSubscriber(req.staff!, programId)) throw new NotFoundError('This subscriber');
    await removeSubscriber(ctx.db, { id: req.params.id, programId });
    req.log.info({ subscriberId: req.params.id }, 'subscriber removed by staff');
    return reply.redirect('/staff/subscribers?done=removed', 303);
  });
}

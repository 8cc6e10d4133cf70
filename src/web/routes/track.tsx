import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { creditFormSchema, messageBodySchema } from '../../domain/report-input.ts';
import { translator, type Translator } from '../../i18n/translator.ts';
import { localizedFieldErrors } from '../report-form-errors.ts';
import { requestLanguage } from '../request-language.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { changeCredit } from '../../reports/change-credit.ts';
import { loadProgram } from '../../programs/programs.ts';
import { programSlugForHost } from '../../programs/program-hosts.ts';
import { findReportByTrackingToken, listAttachments, loadTimeline } from '../../reports/read-report.ts';
import { postReporterReply } from '../../reports/report-actions.ts';
import { sendAttachment } from '../download.ts';
import { readMultipartForm } from '../multipart-form.ts';
import { chrome, publicBaseUrl, sendHtml } from '../page-context.ts';
import { hitRateLimit, idRateLimitKey } from '../rate-limit.ts';
import { renderPage } from '../views/layout.tsx';
import { TrackPage } from '../views/track-page.tsx';
import { loadOriginalStatus } from '../../triage/original-status.ts';
import { registerTrackDisclosureRoutes } from './disclosure-date.tsx';
import { loadReportClocks } from '../../sla/report-clocks.ts';
import { csrfRefusal } from '../error-handler.tsx';
import type { DisclosureFormState } from '../views/disclosure-panels.tsx';
import { localizedDisclosureErrors } from '../disclosure-form-errors.ts';
import { reporterNamed } from '../../coordination/parties.ts';

type TokenParams = { Params: { token: string } };

export function registerTrackRoutes(app: FastifyInstance, ctx: AppContext): void {
  const limits = ctx.config.uploads;

  async function reportFor(token: string): Promise<Report> {
    const report = await findReportByTrackingToken(ctx.db, ctx.vault, token);
    if (!report) throw new NotFoundError('This tracking link');
    return report;
  }

  /** The language the page is shown in, for messages made before it is rendered. */
  async function readerOf(req: FastifyRequest, report: Report): Promise<Translator> {
    return translator(requestLanguage(req, (await loadProgram(ctx.db, { id: report.program_id }))?.config));
  }

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    report: Report,
    token: string,
    status: number,
    extra: {
      body?: string;
      errors?: Record<string, string>;
      creditErrors?: Record<string, string>;
      /** What was typed in the credit form, shown again instead of the stored choice. */
      creditValues?: Record<string, string>;
      disclosure?: DisclosureFormState;
      /** A refused form (CSRF): why, said at the top of the page. */
      refused?: string;
    } = {},
  ) {
    const now = new Date();
    const [program, attachments, clocks] = await Promise.all([
      loadProgram(ctx.db, { id: report.program_id }),
      listAttachments(ctx.db, ctx.vault, report.id),
      loadReportClocks(ctx.db, report.id, now),
    ]);
    const timeline = await loadTimeline(ctx.db, ctx.vault, report.id, 'reporter', attachments);
    const original = await loadOriginalStatus(ctx.db, report);
    const query = req.query as Record<string, string | undefined>;
    const pageChrome = chrome(req, reply, program);
    const disclosureForm = extra.disclosure && { ...extra.disclosure, errors: localizedDisclosureErrors(extra.disclosure.errors, pageChrome.t) };
    const page = (
      <TrackPage
        chrome={pageChrome}
        report={report}
        token={token}
        trackUrl={`${program ? publicBaseUrl(ctx, program) : ctx.config.baseUrl}/track/${token}`}
        justSubmitted={query.submitted === '1'}
        sent={query.sent === '1'}
        timeline={timeline}
        attachments={attachments}
        csrf={reply.generateCsrf()}
        reply={{ body: extra.body ?? '', errors: extra.errors ?? {} }}
        limits={limits}
        credit={{ errors: extra.creditErrors ?? {}, saved: query.credit === 'saved', values: extra.creditValues }}
        refused={extra.refused}
        original={original}
        disclosure={{ form: disclosureForm, done: query.disclosure, defaultTimeZone: program?.config.calendar.timeZone ?? 'UTC', now }}
        privacy={{ confirm: query.erase === 'confirm', erased: query.erased === '1' }}
        naming={{ named: await reporterNamed(ctx.db, report.id), saved: query.naming === 'saved' }}
        productName={program?.config.products.find((p) => p.id === report.product)?.name ?? report.product}
        firstResponse={
          program && clocks
            ? {
                clock: clocks.clocks.find((c) => c.name === 'first-response'),
                sla: program.config.sla,
                timeZone: clocks.sla.calendar.timeZone,
                // The expected resolution date is set only with the evaluation.
                evaluationSent: report.expected_resolution_date !== null,
                now,
              }
            : undefined
        }
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  /**
   * A form of this page refused for its CSRF token: the page again, with a fresh token and cookie, saying
   * why, and what was typed where the body was read (a multipart reply is not read past a refused token).
   */
  const againOnRefusal =
    (typed?: (body: Record<string, string>) => Parameters<typeof render>[5], unread = false) =>
    async (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const refusal = csrfRefusal(err);
      if (!refusal) throw err;
      const token = (req.params as { token: string }).token;
      const report = await reportFor(token);
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
      const fields = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'));
      const why =
        refusal.code === 'csrf_cookie_missing'
          ? 'Cookies are needed to send this form: allow cookies for this site (it sets one, only to protect its forms against forgery), then send it again.'
          : 'This form had expired, and was not accepted. It is renewed on this page: send it again.';
      const kept = typed
        ? ' What you typed is kept below.'
        : unread
          ? ' For your safety, what you wrote was not read; your browser’s Back button may still show it, to copy.'
          : '';
      return render(req, reply, report, token, refusal.status, { ...typed?.(fields), refused: why + kept });
    };

  app.get<TokenParams>('/track/:token', async (req, reply) => {
    const report = await reportFor(req.params.token);
    // A report is followed on its program's own host: a link from before the program had one moves there.
    const program = await loadProgram(ctx.db, { id: report.program_id });
    if (program && program.config.hostnames.length > 0 && program.slug !== programSlugForHost(ctx.config.programs, ctx.defaultProgramSlug, req.hostname)) {
      return reply.redirect(`${publicBaseUrl(ctx, program)}${req.url}`, 302);
    }
    return render(req, reply, report, req.params.token, 200);
  });

  app.post<TokenParams>('/track/:token/reply', { errorHandler: againOnRefusal(undefined, true) }, async (req, reply) => {
    // The link and the rate limit before a byte of the body is read; CSRF as the body starts.
    const report = await reportFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('reply', report.id), 60, 3600);
    const form = await readMultipartForm(app, req, reply, limits);
    const body = messageBodySchema.safeParse(form.fields.body);
    const errors: Record<string, string> = {};
    if (!body.success) errors.body = localizedFieldErrors(body.error, await readerOf(req, report), 'body').body ?? body.error.issues[0]?.message ?? 'Write a message.';
    if (form.fileError) errors.attachments = form.fileError;
    if (body.success && !form.fileError) {
      await postReporterReply(ctx.db, ctx.vault, { reportId: report.id, body: body.data, files: form.files });
      return reply.redirect(`/track/${req.params.token}?sent=1#thread-h`, 303);
    }
    return render(req, reply, report, req.params.token, 422, { body: form.fields.body ?? '', errors });
  });

  app.post<TokenParams & { Body: Record<string, string> }>('/track/:token/credit', { preHandler: app.csrfProtection, errorHandler: againOnRefusal((typed) => ({ creditValues: typed })) }, async (req, reply) => {
    const report = await reportFor(req.params.token);
    const form = creditFormSchema.safeParse(req.body ?? {});
    if (!form.success) return render(req, reply, report, req.params.token, 422, { creditErrors: localizedFieldErrors(form.error, await readerOf(req, report)) });
    try {
      await changeCredit(ctx.db, ctx.vault, { reportId: report.id, preference: form.data.creditPreference, name: form.data.reporterName, handle: form.data.reporterHandle });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return render(req, reply, report, req.params.token, 422, { creditErrors: err.fields });
    }
    return reply.redirect(`/track/${req.params.token}?credit=saved#credit-h`, 303);
  });

  registerTrackDisclosureRoutes(app, ctx, { reportFor, render, againOnRefusal });

  app.get<{ Params: { token: string; id: string } }>('/track/:token/attachments/:id', async (req, reply) => {
    const report = await reportFor(req.params.token);
    return sendAttachment(ctx.db, ctx.vault, reply, { reportId: report.id, attachmentId: req.params.id, reporterVisibleOnly: true });
  });
}

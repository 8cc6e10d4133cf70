import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { agreeDisclosureDate } from '../../disclosure/agree-disclosure-date.ts';
import { MAX_MESSAGE } from '../../disclosure/disclosure-rules.ts';
import { proposeDisclosureDate } from '../../disclosure/propose-disclosure-date.ts';
import type { DisclosureActor } from '../../disclosure/write-disclosure.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { hitRateLimit, idRateLimitKey } from '../rate-limit.ts';
import type { DisclosureFormState } from '../views/disclosure-panels.tsx';
import type { ReportPageHelpers } from './staff-triage.tsx';

/** Success messages of the staff disclosure forms, merged into the report page's own. */
export const DISCLOSURE_DONE_MESSAGES: Record<string, string> = {
  'disclosure-proposed': 'Disclosure date proposed; the reporter is told and can agree on their tracking page.',
  'disclosure-agreed': 'Disclosure date agreed; the reporter is told.',
  'disclosure-unchanged': 'The disclosure date is unchanged.',
};

const proposalSchema = z.object({
  disclosureDate: z.string().max(20).default(''),
  disclosureTime: z.string().max(10).default(''),
  disclosureTimeZone: z.string().max(64).default(''),
  disclosureMessage: z.string().max(MAX_MESSAGE * 2).default(''),
});
const agreementSchema = z.object({ seen: z.iso.datetime().optional() });

/** What the tracking page's routes lend these routes, so a refused form comes back on the same page. */
export interface TrackPageHelpers {
  reportFor(token: string): Promise<Report>;
  render(req: FastifyRequest, reply: FastifyReply, report: Report, token: string, status: number, extra: { disclosure?: DisclosureFormState }): Promise<unknown>;
  /** A route error handler: a form refused for its CSRF token shows the page again, with what was typed. */
  againOnRefusal(typed?: (body: Record<string, string>) => { disclosure?: DisclosureFormState }, unread?: boolean): (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

type Outcome = { ok: true; result: string } | { ok: false; status: number; form: DisclosureFormState };

/** Runs a use case; a refusal becomes the form state to show again (422 a field, 409 the state forbids it). */
async function attempt(values: Record<string, string>, run: () => Promise<string>): Promise<Outcome> {
  try {
    return { ok: true, result: await run() };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, status: 422, form: { values, errors: err.fields } };
    if (err instanceof AppError && err.status === 409) return { ok: false, status: 409, form: { values, errors: { disclosure: err.message } } };
    throw err;
  }
}

/** The date the person was shown is required: without it nobody agrees blindly (a missing one never matches). */
function seenOf(body: unknown): Date {
  const form = agreementSchema.safeParse(body ?? {});
  return form.success && form.data.seen ? new Date(form.data.seen) : new Date(0);
}

function formValues(body: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
}

function proposal(actor: DisclosureActor, reportId: string, form: z.infer<typeof proposalSchema>) {
  return {
    reportId,
    actor,
    moment: { date: form.disclosureDate, time: form.disclosureTime, timeZone: form.disclosureTimeZone },
    message: form.disclosureMessage,
  };
}

/**
 * The staff report page's disclosure forms: session, CSRF, schema, may edit
 * (viewers get 403, other programs "not found"), use case, redirect.
 */
export function registerStaffDisclosureRoutes(app: FastifyInstance, ctx: AppContext, page: ReportPageHelpers): void {
  type Req = { Params: { ref: string }; Body: Record<string, string> };
  const refused = (req: FastifyRequest, reply: FastifyReply, report: Report, status: number, form: DisclosureFormState) =>
    page.render(req, reply, report, status, {
      triageForm: form,
      flash: { kind: 'error', message: `The disclosure date was not changed. ${Object.values(form.errors).join(' ')}` },
    });

  app.post<Req>('/staff/reports/:ref/disclosure-date', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.editableReport(req, req.params.ref);
    const values = formValues(req.body);
    const form = proposalSchema.safeParse(req.body ?? {});
    if (!form.success) return refused(req, reply, report, 422, { values, errors: { disclosureDate: 'That form was not filled in as expected.' } });
    const out = await attempt(values, () => proposeDisclosureDate(ctx.db, ctx.vault, proposal({ kind: 'staff', id: req.staff!.userId }, report.id, form.data)));
    if (!out.ok) return refused(req, reply, report, out.status, out.form);
    return reply.redirect(`/staff/reports/${report.reference}?done=disclosure-${out.result}#disclosure-h`, 303);
  });

  app.post<Req>('/staff/reports/:ref/disclosure-date/agree', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.editableReport(req, req.params.ref);
    const out = await attempt({}, () => agreeDisclosureDate(ctx.db, ctx.vault, { reportId: report.id, actor: { kind: 'staff', id: req.staff!.userId }, seen: seenOf(req.body) }));
    if (!out.ok) return refused(req, reply, report, out.status, out.form);
    return reply.redirect(`/staff/reports/${report.reference}?done=disclosure-${out.result}#disclosure-h`, 303);
  });
}

/**
 * The reporter's disclosure forms on the tracking page: the capability token
 * finds the report, CSRF (double-submit cookie), a rate limit, schema, use case.
 */
export function registerTrackDisclosureRoutes(app: FastifyInstance, ctx: AppContext, page: TrackPageHelpers): void {
  type Req = { Params: { token: string }; Body: Record<string, string> };
  const back = (token: string, done: string) => `/track/${token}?disclosure=${done}#disclosure-h`;

  app.post<Req>('/track/:token/disclosure-date', { preHandler: app.csrfProtection, errorHandler: page.againOnRefusal((typed) => ({ disclosure: { values: formValues(typed), errors: {} } })) }, async (req, reply) => {
    const report = await page.reportFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('disclosure', report.id), 30, 3600);
    const values = formValues(req.body);
    const form = proposalSchema.safeParse(req.body ?? {});
    if (!form.success) return page.render(req, reply, report, req.params.token, 422, { disclosure: { values, errors: { disclosureDate: 'That form was not filled in as expected.' } } });
    const out = await attempt(values, () => proposeDisclosureDate(ctx.db, ctx.vault, proposal({ kind: 'reporter' }, report.id, form.data)));
    if (!out.ok) return page.render(req, reply, report, req.params.token, out.status, { disclosure: out.form });
    return reply.redirect(back(req.params.token, out.result === 'unchanged' ? 'proposed' : out.result), 303);
  });

  app.post<Req>('/track/:token/disclosure-date/agree', { preHandler: app.csrfProtection, errorHandler: page.againOnRefusal() }, async (req, reply) => {
    const report = await page.reportFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('disclosure', report.id), 30, 3600);
    const out = await attempt({}, () => agreeDisclosureDate(ctx.db, ctx.vault, { reportId: report.id, actor: { kind: 'reporter' }, seen: seenOf(req.body) }));
    if (!out.ok) return page.render(req, reply, report, req.params.token, out.status, { disclosure: out.form });
    return reply.redirect(back(req.params.token, 'agreed'), 303);
  });
}

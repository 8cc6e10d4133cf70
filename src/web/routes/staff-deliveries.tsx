import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { can, visiblePrograms } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { listTroubledJobs, listUnsentReportMail } from '../../jobs/job-status.ts';
import { listRefusedDeliveries } from '../../mail/deliveries.ts';
import { isJobId, retryJob } from '../../jobs/retry-job.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { DeliveriesPage } from '../views/deliveries-page.tsx';
import { renderPage } from '../views/layout.tsx';
import { namedMessage } from '../named-message.ts';

type JobParams = { Params: { id: string } };

const FLASHES: Record<string, string> = {
  retry: 'Queued to run now.',
  gone: 'That job was no longer waiting (sent meanwhile, or being tried right now): nothing to retry.',
};

/** The report page's "done" messages of its delivery panel. */
export const DELIVERY_DONE_MESSAGES: Record<string, string> = {
  'mail-retry': 'The mail to the reporter will be tried again now.',
  'mail-retry-gone': 'That mail was no longer waiting: nothing to retry.',
};

/** Admins: undelivered mail and failed jobs of the whole instance, with the error and a retry. */
export function registerStaffDeliveryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  function adminOnly(req: FastifyRequest) {
    if (!can.operateJobs(req.staff!)) throw new ForbiddenError('Only administrators see failed jobs and undelivered mail.');
    return req.staff!;
  }

  app.get('/staff/deliveries', { preHandler: auth }, async (req, reply) => {
    const actor = adminOnly(req);
    const [jobs, refused] = await Promise.all([listTroubledJobs(ctx.db, visiblePrograms(actor)), listRefusedDeliveries(ctx.db, { programIds: visiblePrograms(actor) })]);
    const done = (req.query as Record<string, string | undefined>).done;
    const program = await staffProgram(ctx, req);
    const page = <DeliveriesPage chrome={chrome(req, reply, program)} jobs={jobs} refused={refused} csrf={reply.generateCsrf()} flash={namedMessage(FLASHES, done)} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<JobParams>('/staff/deliveries/:id/retry', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const actor = adminOnly(req);
    if (!isJobId(req.params.id)) throw new NotFoundError('This job');
    // Only what this page would list for them: a job about another program's report stays out of reach.
    const listed = (await listTroubledJobs(ctx.db, visiblePrograms(actor))).some((j) => j.id === req.params.id);
    if (!listed) throw new NotFoundError('This job');
    const retried = await retryJob(ctx.db, req.params.id);
    return reply.redirect(`/staff/deliveries?done=${retried ? 'retry' : 'gone'}`, 303);
  });
}

/** The report page's retry of its own undelivered mail (the panel in src/web/views/deliveries-page.tsx). */
export function registerReportDeliveryRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  h: { auth: preHandlerHookHandler; visibleReport: (req: FastifyRequest, ref: string) => Promise<Report> },
): void {
  app.post<{ Params: { ref: string; id: string } }>('/staff/reports/:ref/deliveries/:id/retry', { preHandler: [h.auth, app.csrfProtection] }, async (req, reply: FastifyReply) => {
    const report = await h.visibleReport(req, req.params.ref);
    if (!can.retryReportMail(req.staff!, report)) throw new ForbiddenError('Your role can read this report but not retry its mail.');
    if (!isJobId(req.params.id)) throw new NotFoundError('This mail');
    const unsent = await listUnsentReportMail(ctx.db, report);
    if (!unsent.some((j) => j.id === req.params.id)) throw new NotFoundError('This mail');
    const retried = await retryJob(ctx.db, req.params.id);
    return reply.redirect(`/staff/reports/${report.reference}?done=${retried ? 'mail-retry' : 'mail-retry-gone'}#deliveries-h`, 303);
  });
}


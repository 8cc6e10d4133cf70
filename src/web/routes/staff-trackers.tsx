import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { requireReadable } from '../../reports/restricted-access.ts';
import { findReportByReference } from '../../reports/read-report.ts';
import { createLinkedIssue, loadTrackerPanel, type IssueInput } from '../../trackers/link-issue.ts';
import { createTracker, deleteTracker, listTrackers, type TrackerInput } from '../../trackers/manage-trackers.ts';
import { integrationPrograms } from '../../webhooks/webhook-policy.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { IssueFormPage, TrackersPage } from '../views/trackers-page.tsx';
import { namedMessage } from '../named-message.ts';

const text = (max: number) => z.string().max(max).default('');
const trackerSchema = z.object({ programId: text(100), kind: text(20), baseUrl: text(1000), project: text(400), account: text(400), token: text(4000), labels: text(1000), issueType: text(200), allowFullReport: z.string().optional() });
const issueSchema = z.object({ trackerId: text(100), title: text(1000), summary: text(40000), labels: text(1000), includeFullReport: z.string().optional() });

/** /staff/trackers (admins configure), and /staff/reports/:ref/issues (a triager files a linked issue). */
export function registerStaffTrackerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function render(req: FastifyRequest, reply: FastifyReply, extra: { form?: { values: TrackerInput; errors: Record<string, string> }; flash?: string }, status = 200) {
    const ids = integrationPrograms(req.staff!);
    if (ids.length === 0) throw new ForbiddenError('Only administrators configure issue trackers.');
    const programs = (await Promise.all(ids.map((id) => loadProgram(ctx.db, { id })))).flatMap((p) => (p ? [{ id: p.id, name: p.config.name }] : []));
    const program = await staffProgram(ctx, req);
    const page = <TrackersPage chrome={chrome(req, reply, program)} csrf={reply.generateCsrf()} programs={programs} trackers={await listTrackers(ctx.db, ids)} {...extra} />;
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  const FLASHES: Record<string, string> = { added: 'Tracker added.', deleted: 'Tracker removed; its issues stay in the tracker.' };
  app.get<{ Querystring: { done?: string } }>('/staff/trackers', { preHandler: auth }, async (req, reply) => {
    const flash = namedMessage(FLASHES, req.query.done);
    return render(req, reply, flash ? { flash } : {});
  });

  app.post('/staff/trackers', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const b = trackerSchema.parse(req.body ?? {});
    const values: TrackerInput = { ...b, allowFullReport: b.allowFullReport === 'yes' };
    try {
      const id = await createTracker(ctx.db, ctx.secret, { actor: req.staff!, input: values, allowPrivate: ctx.config.integrationsAllowPrivate });
      req.log.info({ trackerId: id, programId: values.programId, kind: values.kind }, 'issue tracker added');
      return reply.redirect('/staff/trackers?done=added', 303);
    } catch (err) {
      // The token is not sent back into the page.
      if (err instanceof ValidationError) return render(req, reply, { form: { values: { ...values, token: '' }, errors: err.fields } }, 422);
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/staff/trackers/:id/delete', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    if (!z.uuid().safeParse(req.params.id).success) throw new NotFoundError('This issue tracker');
    await deleteTracker(ctx.db, { actor: req.staff!, trackerId: req.params.id });
    return reply.redirect('/staff/trackers?done=deleted', 303);
  });

  app.post<{ Params: { ref: string } }>('/staff/reports/:ref/issues', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const report = requireReadable(req.staff!, await findReportByReference(ctx.db, ctx.vault, req.params.ref));
    // Who may not file an issue hears so before the form is checked; a malformed form is a 422, not a crash.
    if (!can.editReport(req.staff!, report)) throw new ForbiddenError('Your role can read this report but not change it.');
    const parsed = issueSchema.safeParse(req.body ?? {});
    if (!parsed.success || !z.uuid().safeParse(parsed.data.trackerId).success) throw new ValidationError({ trackerId: 'Choose an issue tracker and fill in the issue.' }, 'No issue was filed.');
    const b = parsed.data;
    const input: IssueInput = { ...b, includeFullReport: b.includeFullReport === 'yes' };
    try {
      await createLinkedIssue(ctx, { actor: req.staff!, report, input });
      return reply.redirect(`/staff/reports/${encodeURIComponent(report.reference)}#issues`, 303);
    } catch (err) {
      const refused = err instanceof ValidationError || (err instanceof AppError && err.code === 'tracker_failed');
      if (!refused) throw err;
      const view = await loadTrackerPanel(ctx, req.staff!, report, { values: input, errors: err instanceof ValidationError ? err.fields : {} });
      if (!view) throw new NotFoundError('This issue tracker');
      const program = await loadProgram(ctx.db, { id: report.program_id });
      const page = <IssueFormPage chrome={chrome(req, reply, program)} csrf={reply.generateCsrf()} reference={report.reference} view={view} message={err.message} />;
      return sendHtml(reply, renderPage(page), err instanceof ValidationError ? 422 : 502, { private: true });
    }
  });
}

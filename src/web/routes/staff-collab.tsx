import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { nextStates } from '../../domain/lifecycle.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { buildTicket, convertToTicket } from '../../triage/convert-to-ticket.ts';
import { setCreditWithOriginal } from '../../triage/credit-duplicate.ts';
import { ticketFilename } from '../../triage/export-markdown.ts';
import { auditReportRead } from '../../audit/audit-hooks.ts';
import { loadWatchers, unwatchReport, watchReport } from '../../triage/watch-report.ts';
import type { CollabView } from '../views/report-collab-panel.tsx';
import type { ReportPageHelpers } from './staff-triage.tsx';

/** Success messages of these forms, merged into the report page's own. */
export const COLLAB_DONE_MESSAGES: Record<string, string> = {
  watch: 'You are watching this report: its SLA reminders come to you too.',
  unwatch: 'You no longer watch this report.',
  converted: 'Closed as informative and exported as a Markdown ticket; the reporter is told.',
  'credit-on': 'This reporter is credited on the thanks page with the original.',
  'credit-off': 'This reporter is no longer credited with the original.',
};

/** What the report page needs for watching, converting and crediting a duplicate. */
export async function loadCollabView(ctx: AppContext, report: Report, viewerId: string): Promise<CollabView> {
  return {
    watchers: await loadWatchers(ctx.db, report.id, viewerId),
    canConvert: nextStates(report.state).includes('not-applicable'),
    // The ticket can be downloaded again once converted.
    converted: report.state === 'not-applicable' && report.closure_reason === 'informative',
    duplicate: report.duplicate_of ? { creditWithOriginal: report.credit_with_original } : null,
  };
}

const creditSchema = z.object({ credit: z.enum(['yes', 'no']) });

/**
 * Watching (any member who may see the report: it changes nothing in it),
 * converting to a Markdown ticket, and crediting a duplicate's reporter
 * (editors only). Session and CSRF on every POST; redirects after success.
 */
export function registerStaffCollabRoutes(app: FastifyInstance, ctx: AppContext, page: ReportPageHelpers): void {
  type Ref = { Params: { ref: string }; Body: Record<string, string> };

  for (const action of ['watch', 'unwatch'] as const) {
    app.post<Ref>(`/staff/reports/:ref/${action}`, { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
      const report = await page.visibleReport(req, req.params.ref);
      const args = { reportId: report.id, userId: req.staff!.userId };
      await (action === 'watch' ? watchReport(ctx.db, args) : unwatchReport(ctx.db, args));
      return reply.redirect(`/staff/reports/${report.reference}?done=${action}`, 303);
    });
  }

  // Closes, then sends the browser to the download: without JavaScript the
  // file is saved and the page stays; reloading it shows the report closed.
  app.post<Ref>('/staff/reports/:ref/convert', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.editableReport(req, req.params.ref);
    try {
      await convertToTicket(ctx.db, ctx.vault, { reportId: report.id, actorId: req.staff!.userId });
    } catch (err) {
      if (err instanceof ValidationError || (err instanceof Error && 'status' in err && err.status === 409)) {
        return page.render(req, reply, report, 409, { flash: { kind: 'error', message: 'This report cannot be closed as not applicable from its current status.' } });
      }
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.reference}/ticket.md`, 303);
  });

  app.get<{ Params: { ref: string } }>('/staff/reports/:ref/ticket.md', { preHandler: page.auth }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const program = await loadProgram(ctx.db, { id: report.program_id });
    if (!program) throw new NotFoundError('This program');
    const markdown = await buildTicket(ctx.db, ctx.vault, report, program);
    await auditReportRead(ctx, { kind: 'staff', id: req.staff!.userId }, report.id, 'report.exported', 'ticket.md');
    return reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${ticketFilename(report.reference)}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .send(markdown);
  });

  app.post<Ref>('/staff/reports/:ref/credit-duplicate', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.editableReport(req, req.params.ref);
    const form = creditSchema.safeParse(req.body ?? {});
    if (!form.success) return page.render(req, reply, report, 422, { flash: { kind: 'error', message: 'That form was not filled in as expected.' } });
    try {
      await setCreditWithOriginal(ctx.db, { reportId: report.id, actorId: req.staff!.userId, credit: form.data.credit === 'yes' });
    } catch (err) {
      if (err instanceof ValidationError) return page.render(req, reply, report, 422, { flash: { kind: 'error', message: Object.values(err.fields).join(' ') } });
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.reference}?done=credit-${form.data.credit === 'yes' ? 'on' : 'off'}`, 303);
  });
}

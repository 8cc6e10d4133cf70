import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../auth/policies.ts';
import { ApprovalPendingError, twoPersonRuleOn } from '../../approvals/second-person.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { earlyNoticeAudience, earlyNoticeClosedReason, typedEarlyNoticeForm } from '../../early-notices/early-notice-audience.ts';
import { prefillEarlyNotice, type EarlyNoticeContent } from '../../early-notices/early-notice-content.ts';
import { listEarlyNotices, sendEarlyNoticeFromForm } from '../../early-notices/send-early-notice.ts';
import { renderEarlyNoticeCsaf } from '../../early-notices/early-notice-csaf.ts';
import { advisoryPublisher } from '../../advisories/advisory-store.ts';
import { auditReportRead } from '../../audit/audit-hooks.ts';
import { AppError, NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { earlyNoticeRecommendation } from '../../subscriptions/early-notice.ts';
import { namedMessage } from '../named-message.ts';
import { chrome, sendHtml } from '../page-context.ts';
import { EarlyNoticePage } from '../views/early-notice-page.tsx';
import { renderPage } from '../views/layout.tsx';
import type { ReportPageHelpers } from './staff-triage.tsx';

const DONE: Record<string, string> = {
  sent: 'Early notice sent: the mails are on their way to the subscribers of the products chosen.',
  pending: 'The early notice waits for another lead or admin to approve it under the two-person rule (Approvals page). Nothing was sent yet.',
};

type Req = { Params: { ref: string }; Body: Record<string, string | string[]> };

/**
 * The early customer notice page of a report (src/early-notices/): session,
 * CSRF, the report the member may see ("not found" otherwise), then the use
 * case, which checks the role (leads and admins) and the two-person rule.
 */
export function registerStaffEarlyNoticeRoutes(app: FastifyInstance, ctx: AppContext, page: Pick<ReportPageHelpers, 'auth' | 'visibleReport'>): void {
  async function show(req: FastifyRequest, reply: FastifyReply, report: Report, status: number, form?: { values: EarlyNoticeContent & { confirm?: string }; errors: Record<string, string>; flash?: { kind: 'error'; message: string } }) {
    const program = await loadProgram(ctx.db, { id: report.program_id });
    if (!program) throw new NotFoundError('This program');
    const advisory = await ctx.db.selectFrom('advisories').select('state').where('report_id', '=', report.id).orderBy('created_at', 'desc').executeTakeFirst();
    const audience = await earlyNoticeAudience(ctx.db, program);
    const closedReason = earlyNoticeClosedReason(report.state, advisory?.state);
    const done = namedMessage(DONE, (req.query as Record<string, string | undefined>).done);
    const body = (
      <EarlyNoticePage
        chrome={chrome(req, reply, program)}
        reference={report.reference}
        title={report.title}
        products={audience.products}
        allProductSubscribers={audience.allProductSubscribers}
        recommendation={earlyNoticeRecommendation({ rule: program.config.earlyCustomerNotice, state: report.state, severity: report.severity, expectedResolutionDate: report.expected_resolution_date, hasAdvisory: advisory?.state === 'published', now: new Date() })}
        canSend={can.sendEarlyNotice(req.staff!, report.program_id)}
        twoPersonRule={await twoPersonRuleOn(ctx.db, report.program_id)}
        closedReason={closedReason}
        values={form?.values ?? prefillEarlyNotice(report, program.config)}
        errors={form?.errors ?? {}}
        notices={await listEarlyNotices(ctx, report.id)}
        csrf={reply.generateCsrf()}
        flash={form?.flash ?? (done ? { kind: 'success', message: done } : undefined)}
      />
    );
    return sendHtml(reply, renderPage(body), status, { private: true });
  }

  app.get<Req>('/staff/reports/:ref/early-notice', { preHandler: page.auth }, async (req, reply) => show(req, reply, await page.visibleReport(req, req.params.ref), 200));

  // The notice as CSAF 2.0 with TLP AMBER: a download for the team (embargoed words, never public), recorded as an export.
  app.get<{ Params: { ref: string; file: string } }>('/staff/reports/:ref/early-notice/:file', { preHandler: page.auth }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const id = /^([0-9a-f-]{36})\.csaf\.json$/.exec(req.params.file)?.[1];
    const notices = id ? await listEarlyNotices(ctx, report.id) : [];
    const index = notices.findIndex((n) => n.id === id);
    const program = await loadProgram(ctx.db, { id: report.program_id });
    if (index < 0 || !program) throw new NotFoundError('This early notice');
    const notice = notices[index]!;
    const doc = renderEarlyNoticeCsaf({
      trackingId: `${report.reference}-EN-${notices.length - index}`,
      publisher: advisoryPublisher(program, ctx.config.baseUrl),
      products: program.config.products,
      content: notice.content,
      date: notice.sentAt ?? notice.createdAt,
    });
    await auditReportRead(ctx, { kind: 'staff', id: req.staff!.userId }, report.id, 'report.exported', 'early-notice-csaf');
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${report.reference.toLowerCase()}-en-${notices.length - index}.json"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .send(JSON.stringify(doc, null, 2));
  });

  app.post<Req>('/staff/reports/:ref/early-notice', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const values = typedEarlyNoticeForm(req.body);
    try {
      await sendEarlyNoticeFromForm(ctx, req.staff!, { reportId: report.id, programId: report.program_id, form: values });
    } catch (err) {
      if (err instanceof ApprovalPendingError) return reply.redirect(`/staff/reports/${report.reference}/early-notice?done=pending`, 303);
      if (err instanceof ValidationError) return show(req, reply, report, 422, { values, errors: err.fields, flash: { kind: 'error', message: err.message } });
      if (err instanceof AppError && (err.status === 403 || err.status === 409)) return show(req, reply, report, err.status, { values, errors: {}, flash: { kind: 'error', message: err.message } });
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.reference}/early-notice?done=sent`, 303);
  });
}

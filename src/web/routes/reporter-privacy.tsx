import type { FastifyInstance, FastifyReply } from 'fastify';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { AppError, ForbiddenError, NotFoundError } from '../../errors.ts';
import { eraseReporterData } from '../../privacy/erase-reporter-data.ts';
import { exportReporterData } from '../../privacy/export-reporter-data.ts';
import { auditReportRead } from '../../audit/audit-hooks.ts';
import { requireReadable } from '../../reports/restricted-access.ts';
import { findReportByReference, findReportByTrackingToken } from '../../reports/read-report.ts';
import { hitRateLimit, idRateLimitKey } from '../rate-limit.ts';
import { requireStaff } from '../require-staff.ts';

type TokenParams = { Params: { token: string }; Body: Record<string, string> };
type RefParams = { Params: { ref: string }; Body: Record<string, string> };

/** The export as a download: JSON, never rendered, never cached. */
function sendExport(reply: FastifyReply, report: Report, body: unknown) {
  return reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${report.reference}-reporter-data.json"`)
    .header('cache-control', 'no-store')
    .send(JSON.stringify(body, null, 2));
}

/**
 * A reporter's rights over their personal data (DESIGN: "export and erasure
 * of a reporter's personal data that keeps the vulnerability record"): from
 * the tracking page by the reporter, and from the report page by the
 * program's admins when a request reaches the team another way.
 */
export function registerReporterPrivacyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function byToken(token: string): Promise<Report> {
    const report = await findReportByTrackingToken(ctx.db, ctx.vault, token);
    if (!report) throw new NotFoundError('This tracking link');
    return report;
  }

  async function adminReport(staff: NonNullable<Parameters<typeof can.manageReporterData>[0]>, ref: string): Promise<Report> {
    const report = requireReadable(staff, await findReportByReference(ctx.db, ctx.vault, ref));
    if (!can.manageReporterData(staff, report.program_id)) throw new ForbiddenError('Only the program’s admins export or erase a reporter’s personal data.');
    return report;
  }

  app.get<TokenParams>('/track/:token/my-data.json', async (req, reply) => {
    const report = await byToken(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('export', report.id), 30, 3600);
    return sendExport(reply, report, await exportReporterData(ctx.db, ctx.vault, ctx.secret, report));
  });

  app.post<TokenParams>('/track/:token/erase', { preHandler: app.csrfProtection }, async (req, reply) => {
    const report = await byToken(req.params.token);
    if (req.body?.confirm !== 'yes') return reply.redirect(`/track/${req.params.token}?erase=confirm#privacy-h`, 303);
    try {
      await eraseReporterData(ctx.db, ctx.vault, ctx.secret, { reportId: report.id, actor: { kind: 'reporter' } });
    } catch (err) {
      if (!(err instanceof AppError && err.status === 409)) throw err;
    }
    return reply.redirect(`/track/${req.params.token}?erased=1#privacy-h`, 303);
  });

  app.get<RefParams>('/staff/reports/:ref/reporter-data.json', { preHandler: auth }, async (req, reply) => {
    const report = await adminReport(req.staff!, req.params.ref);
    await auditReportRead(ctx, { kind: 'staff', id: req.staff!.userId }, report.id, 'reporter-data.exported');
    return sendExport(reply, report, await exportReporterData(ctx.db, ctx.vault, ctx.secret, report));
  });

  app.post<RefParams>('/staff/reports/:ref/erase-reporter', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const report = await adminReport(req.staff!, req.params.ref);
    if (req.body?.confirm !== 'yes') return reply.redirect(`/staff/reports/${report.reference}?done=erase-confirm#privacy-h`, 303);
    try {
      await eraseReporterData(ctx.db, ctx.vault, ctx.secret, { reportId: report.id, actor: { kind: 'staff', id: req.staff!.userId } });
    } catch (err) {
      if (!(err instanceof AppError && err.status === 409)) throw err;
    }
    return reply.redirect(`/staff/reports/${report.reference}?done=reporter-erased`, 303);
  });
}

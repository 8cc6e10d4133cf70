import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { can, type StaffActor } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { findReportByReference } from '../../reports/read-report.ts';
import { grantSelfAccess, liftRestriction, namedStaff, restrictReport } from '../../reports/restrict-report.ts';
import { chrome, sendHtml } from '../page-context.ts';
import { renderPage } from '../views/layout.tsx';
import { RestrictedReportPage } from '../views/restricted-access-views.tsx';

export const RESTRICTED_DONE_MESSAGES: Record<string, string> = {
  'access-restricted': 'The report is now restricted to the named staff.',
  'access-lifted': 'The restriction is lifted: every member of the program can read the report.',
  'access-self': 'You were added to the report; the reason is in its timeline and the audit log.',
};

/** The access panel of the report page: who is named, and the members a lead or admin named on it may choose from. */
export async function loadAccessPanel(ctx: AppContext, actor: StaffActor, report: Report) {
  const canChange = can.restrictReport(actor, report);
  const [named, members] = await Promise.all([
    namedStaff(ctx.db, report.restricted_to),
    canChange
      ? ctx.db
          .selectFrom('memberships as m')
          .innerJoin('staff_users as u', 'u.id', 'm.user_id')
          .select(['u.id', 'u.display_name'])
          .where('m.program_id', '=', report.program_id)
          .where('u.disabled_at', 'is', null)
          .orderBy('u.display_name')
          .execute()
      : [],
  ]);
  return { named, members: members.map((m) => ({ id: m.id, displayName: m.display_name })), canChange };
}

/** The page a member who is not named sees at a restricted report's address: it exists, who may read it, nothing else. */
export async function renderRestricted(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, reference: string, status: number, extra: { error?: string; reason?: string } = {}) {
  // Only the columns that say who may read it: the title and contents stay sealed.
  const row = await ctx.db.selectFrom('reports').select(['id', 'program_id', 'reference', 'restricted_to']).where('reference', '=', reference).executeTakeFirst();
  if (!row || !can.knowReportExists(req.staff!, row)) throw new NotFoundError('This report');
  const program = await loadProgram(ctx.db, { id: row.program_id });
  const page = (
    <RestrictedReportPage
      chrome={chrome(req, reply, program)}
      reference={row.reference}
      named={await namedStaff(ctx.db, row.restricted_to)}
      csrf={reply.generateCsrf()}
      canGrantSelf={can.grantSelfAccess(req.staff!, row)}
      error={extra.error}
      reason={extra.reason}
    />
  );
  return sendHtml(reply, renderPage(page), status, { private: true });
}

type RefParams = { Params: { ref: string }; Body: Record<string, string | string[] | undefined> };

/** Restricting, changing and lifting (leads and admins named on the report), and an admin adding themselves with a reason. */
export function registerStaffRestrictedRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  deps: { auth: preHandlerAsyncHookHandler; visibleReport: (req: FastifyRequest, ref: string) => Promise<Report> },
): void {
  app.post<RefParams>('/staff/reports/:ref/access', { preHandler: [deps.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await deps.visibleReport(req, req.params.ref);
    const body = req.body ?? {};
    if (body.action === 'lift') {
      await liftRestriction(ctx.db, { actor: req.staff!, reportId: report.id });
      return reply.redirect(`/staff/reports/${report.reference}?done=access-lifted#group-access`, 303);
    }
    const staffIds = [body.staff ?? []].flat().filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id));
    await restrictReport(ctx.db, { actor: req.staff!, reportId: report.id, staffIds });
    return reply.redirect(`/staff/reports/${report.reference}?done=access-restricted#group-access`, 303);
  });

  app.post<RefParams>('/staff/reports/:ref/access/self', { preHandler: [deps.auth, app.csrfProtection] }, async (req, reply) => {
    const reference = req.params.ref.toUpperCase();
    const report = await findReportByReference(ctx.db, ctx.vault, reference);
    if (!report || !can.knowReportExists(req.staff!, report)) throw new NotFoundError('This report');
    const reason = typeof req.body?.reason === 'string' ? req.body.reason : '';
    try {
      await grantSelfAccess(ctx.db, ctx.vault, { actor: req.staff!, reportId: report.id, reason });
    } catch (err) {
      if (err instanceof ValidationError) return renderRestricted(ctx, req, reply, reference, 422, { error: Object.values(err.fields).join(' '), reason });
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.reference}?done=access-self`, 303);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { acknowledgeWithEvaluation } from '../../triage/acknowledge-with-evaluation.ts';
import { changeExpectedResolutionDate } from '../../triage/change-expected-resolution-date.ts';
import type { TriageFormState } from '../../triage/load-triage-view.ts';
import { markDuplicate } from '../../triage/mark-duplicate.ts';
import { setCwe } from '../../triage/set-cwe.ts';
import { setSsvc } from '../../triage/set-ssvc.ts';
import { setTeamSeverity } from '../../triage/set-team-severity.ts';

/** Success messages of the triage forms, merged into the report page's own. */
export const TRIAGE_DONE_MESSAGES: Record<string, string> = {
  severity: 'Severity saved.',
  cwe: 'Weakness saved.',
  acknowledged: 'Evaluation sent to the reporter; the report is acknowledged.',
  'resolution-date': 'Expected resolution date changed; the reporter is told.',
  duplicate: 'Marked as a duplicate; the reporter is told.',
  ssvc: 'SSVC decision saved.',
};

/** What the report page's routes lend the triage routes, so a refused form comes back on the same page. */
export interface ReportPageHelpers {
  auth: preHandlerHookHandler;
  /** The report if the signed-in member may see it; otherwise "not found". */
  visibleReport(req: FastifyRequest, ref: string): Promise<Report>;
  editableReport(req: FastifyRequest, ref: string): Promise<Report>;
  render(req: FastifyRequest, reply: FastifyReply, report: Report, status: number, extra: { triageForm?: TriageFormState; flash?: { kind: 'error' | 'success'; message: string } }): Promise<unknown>;
}

const text = (max: number) => z.string().max(max).default('');
const schemas = {
  severity: z.object({ teamCvss: text(300), teamCvssSecond: z.string().max(300).optional() }),
  cwe: z.object({ cwe: text(20), pick: z.string().max(10).optional() }),
  acknowledge: z.object({ evaluation: text(5000), expectedResolutionDate: text(20) }),
  'resolution-date': z.object({ date: text(20), reason: text(500) }),
  duplicate: z.object({ original: text(40) }),
  ssvc: z.object({ exploitation: text(20), automatable: text(20), valueDensity: text(20), technicalImpact: text(20), publicSafetyImpact: text(20) }),
} as const;
type Action = keyof typeof schemas;

/**
 * The staff report page's triage forms: each reads like a checklist (session,
 * CSRF, schema, may edit, use case, redirect), and a refused form re-renders
 * the page with the typed values and field messages (status 422 or 409).
 */
export function registerStaffTriageRoutes(app: FastifyInstance, ctx: AppContext, page: ReportPageHelpers): void {
  function route<A extends Action>(action: A, run: (report: Report, form: z.infer<(typeof schemas)[A]>, actorId: string) => Promise<unknown>, done: string) {
    app.post<{ Params: { ref: string }; Body: Record<string, string> }>(`/staff/reports/:ref/${action}`, { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
      const report = await page.editableReport(req, req.params.ref);
      const parsed = schemas[action].safeParse(req.body ?? {});
      const values = Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
      if (!parsed.success) return page.render(req, reply, report, 422, { triageForm: { values, errors: {} }, flash: { kind: 'error', message: 'That form was not filled in as expected.' } });
      try {
        await run(report, parsed.data as z.infer<(typeof schemas)[A]>, req.staff!.userId);
      } catch (err) {
        if (err instanceof ValidationError) {
          return page.render(req, reply, report, 422, { triageForm: { values, errors: err.fields }, flash: { kind: 'error', message: `${err.message} ${Object.values(err.fields).join(' ')}` } });
        }
        if (err instanceof AppError && err.status === 409) return page.render(req, reply, report, 409, { triageForm: { values, errors: {} }, flash: { kind: 'error', message: err.message } });
        throw err;
      }
      return reply.redirect(`/staff/reports/${report.reference}?done=${done}`, 303);
    });
  }

  route('severity', (r, f, actorId) => setTeamSeverity(ctx.db, { reportId: r.id, actorId, vector: f.teamCvss, secondVector: f.teamCvssSecond }), 'severity');
  route('cwe', (r, f, actorId) => setCwe(ctx.db, { reportId: r.id, actorId, cwe: f.pick ?? f.cwe }), 'cwe');
  route('acknowledge', (r, f, actorId) => acknowledgeWithEvaluation(ctx.db, ctx.vault, { reportId: r.id, actorId, evaluation: f.evaluation, expectedResolutionDate: f.expectedResolutionDate }), 'acknowledged');
  route('resolution-date', (r, f, actorId) => changeExpectedResolutionDate(ctx.db, ctx.vault, { reportId: r.id, actorId, date: f.date, reason: f.reason }), 'resolution-date');
  route('duplicate', (r, f, actorId) => markDuplicate(ctx.db, ctx.vault, { reportId: r.id, actorId, originalReference: f.original }), 'duplicate');
  route('ssvc', (r, f, actorId) => setSsvc(ctx.db, { reportId: r.id, actorId, input: f }), 'ssvc');
}

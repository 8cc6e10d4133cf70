import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { REFERENCE_PATTERN } from '../../domain/reference.ts';
import { NotFoundError } from '../../errors.ts';
import { RestrictedReportError } from '../../reports/restricted-access.ts';
import { findReportByReference, listAttachments } from '../../reports/read-report.ts';
import { apiCan } from '../api-policies.ts';
import type { ApiPrincipal } from '../tokens/api-tokens.ts';
import { presentReport, type ApiReport } from './report-representation.ts';
import { loadTriageFields } from './report-triage.ts';
import { loadApiCra } from './report-cra.ts';
import { loadProgram } from '../../programs/programs.ts';

const reference = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(REFERENCE_PATTERN))
  .meta({ description: 'The report reference, e.g. EMB-2026-0001.' });

export const referenceParams = z.object({ reference });
export const attachmentParams = z.object({ reference, id: z.uuid() });

/** The report if it belongs to the token's program; otherwise "not found", never "forbidden". */
export async function reportOfToken(ctx: AppContext, principal: ApiPrincipal, ref: string): Promise<Report> {
  const report = await findReportByReference(ctx.db, ctx.vault, ref);
  if (!report || !apiCan.seeReport(principal, report)) throw new NotFoundError('This report');
  // A token is never named on a restricted report: it learns that the report exists, nothing more.
  if (!apiCan.readReport(principal, report)) throw new RestrictedReportError(report.reference);
  return report;
}

/** Reads what the representation needs besides the report row. */
export async function representReport(ctx: AppContext, principal: ApiPrincipal, report: Report): Promise<ApiReport> {
  const [policy, assignee, attachments, triage, original, cra] = await Promise.all([
    ctx.db.selectFrom('policy_versions').select('version').where('id', '=', report.policy_version_id).executeTakeFirstOrThrow(),
    report.assignee_id
      ? ctx.db.selectFrom('staff_users').select(['id', 'display_name as name']).where('id', '=', report.assignee_id).executeTakeFirst()
      : undefined,
    listAttachments(ctx.db, ctx.vault, report.id),
    loadTriageFields(ctx, report),
    report.duplicate_of ? ctx.db.selectFrom('reports').select('reference').where('id', '=', report.duplicate_of).executeTakeFirst() : undefined,
    loadProgram(ctx.db, { id: report.program_id }).then((p) => loadApiCra(ctx.db, report.id, p?.config.calendar.timeZone ?? 'UTC')),
  ]);
  return presentReport({
    report,
    policyVersion: policy.version,
    assignee: assignee ?? null,
    attachments,
    triage,
    includeReporter: apiCan.seeReporterContact(principal),
    baseUrl: ctx.config.baseUrl,
    duplicateOf: original?.reference ?? null,
    cra,
  });
}

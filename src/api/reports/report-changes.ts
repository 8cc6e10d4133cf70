import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { REPORT_STATES } from '../../domain/lifecycle.ts';
import { ValidationError } from '../../errors.ts';
import { assignReport, changeState } from '../../reports/report-actions.ts';
import { setTeamSeverity } from '../../triage/set-team-severity.ts';
import { defineEndpoint } from '../endpoint.ts';
import { referenceParams, reportOfToken, representReport } from './report-access.ts';
import { reportSchema } from './report-representation.ts';

export const stateChangeSchema = z.object({
  to: z.enum(REPORT_STATES, { error: `The new state: one of ${REPORT_STATES.join(', ')}.` }),
  reason: z.string().trim().max(500).optional().meta({ description: 'Recorded in the timeline; the reporter sees it when the change is visible to them.' }),
});

export const assignmentSchema = z.object({
  assignee: z
    .union([z.uuid(), z.email()], { error: 'Give a staff member’s id or e-mail, or null to unassign.' })
    .nullable()
    .meta({ description: 'Staff id or e-mail of a lead, triager or admin of the program; null unassigns.' }),
});

export function changeStateEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports/{reference}/state',
    operationId: 'changeState',
    summary: 'Move a report through the lifecycle',
    description: 'Only moves the lifecycle allows (see docs/api.md); anything else is invalid_transition. The reporter is notified of every change but a spam verdict.',
    scopes: ['reports:write'],
    params: referenceParams,
    body: stateChangeSchema,
    responses: { 200: { description: 'The report after the change.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'invalid_json', 'unsupported_media_type', 'validation_failed', 'invalid_transition'],
    async handler({ principal, params, body }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      await changeState(ctx.db, ctx.vault, { reportId: report.id, to: body.to, actorId: principal.actorId, reason: body.reason });
      return representReport(ctx, principal, await reportOfToken(ctx, principal, report.reference));
    },
  });
}

export function assignEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports/{reference}/assignee',
    operationId: 'assignReport',
    summary: 'Assign or unassign a report',
    scopes: ['reports:write'],
    params: referenceParams,
    body: assignmentSchema,
    responses: { 200: { description: 'The report after the change.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'invalid_json', 'unsupported_media_type', 'validation_failed'],
    async handler({ principal, params, body }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      let assigneeId: string | null = null;
      if (body.assignee) {
        const byId = z.uuid().safeParse(body.assignee).success;
        const user = await ctx.db
          .selectFrom('staff_users')
          .select('id')
          .where(byId ? sql<boolean>`id = ${body.assignee}::uuid` : sql<boolean>`lower(email) = ${body.assignee.toLowerCase()}`)
          .executeTakeFirst();
        if (!user) throw new ValidationError({ assignee: 'This person cannot be assigned reports of this program.' });
        assigneeId = user.id;
      }
      await assignReport(ctx.db, { reportId: report.id, assigneeId, actorId: principal.actorId });
      return representReport(ctx, principal, await reportOfToken(ctx, principal, report.reference));
    },
  });
}

export const severityInputSchema = z.object({
  vector: z.string().trim().max(300).nullable().meta({ description: 'A CVSS 3.1 or 4.0 vector; null (or empty) clears it.' }),
});

export function setSeverityEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports/{reference}/severity',
    operationId: 'setSeverity',
    summary: 'Set the team’s CVSS vector',
    description: 'The vector is validated and scored; its rating becomes the report’s severity and sets the remediation clock.',
    scopes: ['reports:write'],
    params: referenceParams,
    body: severityInputSchema,
    responses: { 200: { description: 'The report after the change.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'invalid_json', 'unsupported_media_type', 'validation_failed'],
    async handler({ principal, params, body }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      try {
        await setTeamSeverity(ctx.db, { reportId: report.id, actorId: principal.actorId, vector: body.vector ?? '' });
      } catch (err) {
        // The staff form names its field teamCvss; over the API it is `vector`.
        if (err instanceof ValidationError) throw new ValidationError({ vector: Object.values(err.fields)[0] ?? err.message });
        throw err;
      }
      return representReport(ctx, principal, await reportOfToken(ctx, principal, report.reference));
    },
  });
}

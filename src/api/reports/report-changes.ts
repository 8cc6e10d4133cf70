import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { REPORT_STATES } from '../../domain/lifecycle.ts';
import { ValidationError } from '../../errors.ts';
import { assignReport, changeState } from '../../reports/report-actions.ts';
import { acknowledgeWithEvaluation } from '../../triage/acknowledge-with-evaluation.ts';
import { closeAsSpam } from '../../triage/close-report.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import { setTeamSeverity } from '../../triage/set-team-severity.ts';
import { defineEndpoint } from '../endpoint.ts';
import { referenceParams, reportOfToken, representReport } from './report-access.ts';
import { reportSchema } from './report-representation.ts';

export const stateChangeSchema = z.object({
  to: z.enum(REPORT_STATES, { error: `The new state: one of ${REPORT_STATES.join(', ')}.` }),
  reason: z.string().trim().max(500).optional().meta({ description: 'Recorded in the timeline; the reporter sees it when the change is visible to them.' }),
  evaluation: z
    .string()
    .max(5000)
    .optional()
    .meta({
      description:
        'With to=acknowledged: the evaluation sent to the reporter. Required, with expectedResolutionDate, where the program promises an evaluation and a date (sla.firstResponse "evaluation-and-date"); only for to=acknowledged.',
    }),
  expectedResolutionDate: z
    .string()
    .max(20)
    .optional()
    .meta({ description: 'With to=acknowledged and evaluation: the expected resolution date promised to the reporter, YYYY-MM-DD in the program’s time zone.' }),
  discloseEarly: z
    .boolean()
    .optional()
    .meta({
      description:
        'With to=disclosed: the explicit decision to disclose before the disclosure date agreed with the reporter. Without it, that move is refused (invalid_transition) while the agreed date is ahead and no advisory is published, since disclosure names the reporter on the thanks page.',
    }),
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
    description:
      'Only moves the lifecycle allows (see docs/api.md); anything else is invalid_transition. The reporter is notified of every change but a spam verdict. ' +
      'Acknowledging sends the evaluation and expected resolution date when given; a program that promises them refuses an acknowledgement without them (invalid_transition). ' +
      'Disclosing before an agreed disclosure date, with no advisory published, needs discloseEarly: true (invalid_transition otherwise).',
    scopes: ['reports:write'],
    params: referenceParams,
    body: stateChangeSchema,
    responses: { 200: { description: 'The report after the change.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'restricted', 'invalid_json', 'unsupported_media_type', 'validation_failed', 'invalid_transition', 'approval_pending'],
    async handler({ principal, params, body }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      const evaluating = body.evaluation !== undefined || body.expectedResolutionDate !== undefined;
      if (evaluating && body.to !== 'acknowledged') {
        throw new ValidationError({ evaluation: 'An evaluation and an expected resolution date go only with to=acknowledged.' });
      }
      if (body.discloseEarly !== undefined && body.to !== 'disclosed') {
        throw new ValidationError({ discloseEarly: 'discloseEarly goes only with to=disclosed.' });
      }
      if (evaluating) {
        await acknowledgeWithEvaluation(ctx.db, ctx.vault, {
          reportId: report.id,
          actorId: principal.actorId,
          evaluation: body.evaluation ?? '',
          expectedResolutionDate: body.expectedResolutionDate ?? '',
        });
      } else if (body.to === 'spam') {
        // The same use case as the report page and the bulk action (it also takes the report out of the quarantine); the API blocks no one.
        await closeAsSpam(ctx.db, ctx.vault, senderHasher(ctx.secret), { reportId: report.id, actorId: principal.actorId });
      } else {
        await changeState(ctx.db, ctx.vault, { reportId: report.id, to: body.to, actorId: principal.actorId, reason: body.reason, discloseEarly: body.discloseEarly === true });
      }
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
    errors: ['forbidden', 'not_found', 'restricted', 'invalid_json', 'unsupported_media_type', 'validation_failed'],
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
  vector: z.string().trim().max(300).nullable().meta({ description: 'A CVSS 3.1 or 4.0 vector; null (or empty) clears it, and the second one with it.' }),
  secondVector: z
    .string()
    .trim()
    .max(300)
    .nullable()
    .optional()
    .meta({ description: 'The team’s vector of the other CVSS version (4.0 beside a 3.1 `vector`, or the reverse), for the advisory; null (or empty) clears it; absent keeps it.' }),
});

/** The use case names the staff form's fields; over the API they are `vector` and `secondVector`. */
const API_FIELD: Readonly<Record<string, string>> = { teamCvss: 'vector', teamCvssSecond: 'secondVector' };

export function setSeverityEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports/{reference}/severity',
    operationId: 'setSeverity',
    summary: 'Set the team’s CVSS vectors',
    description:
      'The vector is validated and scored; its rating becomes the report’s severity and sets the remediation clock. ' +
      '`secondVector`, of the other CVSS version, is validated too and travels into the advisory (CSAF, CVE record) beside the first.',
    scopes: ['reports:write'],
    params: referenceParams,
    body: severityInputSchema,
    responses: { 200: { description: 'The report after the change.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'restricted', 'invalid_json', 'unsupported_media_type', 'validation_failed'],
    async handler({ principal, params, body }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      try {
        const secondVector = body.secondVector === undefined ? undefined : (body.secondVector ?? '');
        await setTeamSeverity(ctx.db, { reportId: report.id, actorId: principal.actorId, vector: body.vector ?? '', secondVector });
      } catch (err) {
        if (err instanceof ValidationError) {
          throw new ValidationError(Object.fromEntries(Object.entries(err.fields).map(([field, message]) => [API_FIELD[field] ?? field, message])), err.message);
        }
        throw err;
      }
      return representReport(ctx, principal, await reportOfToken(ctx, principal, report.reference));
    },
  });
}

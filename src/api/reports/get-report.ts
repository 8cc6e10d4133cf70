import type { AppContext } from '../../context.ts';
import { defineEndpoint } from '../endpoint.ts';
import { auditReportRead } from '../../audit/audit-hooks.ts';
import { referenceParams, reportOfToken, representReport } from './report-access.ts';
import { reportSchema } from './report-representation.ts';

export function getReportEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'GET',
    path: '/api/v1/reports/{reference}',
    operationId: 'getReport',
    summary: 'Read a report',
    description:
      'Tokens with reports:write may read a report too, to automate its handling, but the reporter’s contact is only shown with reports:read.',
    scopes: ['reports:read', 'reports:write'],
    params: referenceParams,
    responses: { 200: { description: 'The report.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'restricted'],
    async handler({ principal, params }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      await auditReportRead(ctx, { kind: 'api-token', id: principal.tokenId }, report.id, 'report.viewed');
      return representReport(ctx, principal, report);
    },
  });
}

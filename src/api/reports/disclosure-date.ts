import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { MAX_MESSAGE } from '../../disclosure/disclosure-rules.ts';
import { proposeDisclosureDate } from '../../disclosure/propose-disclosure-date.ts';
import { defineEndpoint } from '../endpoint.ts';
import { referenceParams, reportOfToken, representReport } from './report-access.ts';
import { reportSchema } from './report-representation.ts';

export const disclosureProposalSchema = z.object({
  date: z.string().meta({ description: 'The local date, YYYY-MM-DD.' }),
  time: z.string().optional().meta({ description: 'The local time, HH:MM (24-hour); 09:00 when absent.' }),
  timeZone: z.string().max(64).optional().meta({ description: 'IANA time zone; the program’s calendar zone when absent.' }),
  message: z.string().max(MAX_MESSAGE).optional().meta({ description: 'To the reporter, posted in the thread; required to move an agreed date later.' }),
});

/** The team proposes a disclosure date as the token's actor; proposing exactly the reporter's proposal agrees to it. */
export function proposeDisclosureDateEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports/{reference}/disclosure-date',
    operationId: 'proposeDisclosureDate',
    summary: 'Propose (or agree to) the public disclosure date',
    description: 'The reporter is notified and agrees or answers on their tracking page. Proposing the very moment the reporter proposed agrees to it (`disclosure.status` becomes `agreed`). Nothing is published automatically.',
    scopes: ['reports:write'],
    params: referenceParams,
    body: disclosureProposalSchema,
    responses: { 200: { description: 'The report after the change.', schema: reportSchema } },
    errors: ['forbidden', 'not_found', 'restricted', 'invalid_json', 'unsupported_media_type', 'validation_failed', 'invalid_transition'],
    async handler({ principal, params, body, program }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      const timeZone = body.timeZone ?? (await program()).config.calendar.timeZone;
      await proposeDisclosureDate(ctx.db, ctx.vault, {
        reportId: report.id,
        actor: { kind: 'staff', id: principal.actorId },
        moment: { date: body.date, time: body.time ?? '', timeZone },
        message: body.message ?? '',
      });
      return representReport(ctx, principal, await reportOfToken(ctx, principal, report.reference));
    },
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { inviteParty, revokeParty, shareWithParties } from '../../coordination/staff-coordination.ts';
import { loadCoordinationView } from '../../coordination/load-coordination.ts';
import { AppError } from '../../errors.ts';
import type { ReportPageHelpers } from './staff-triage.tsx';

/** Success messages of the Coordination group's forms, merged into the report page's own. */
export const COORDINATION_DONE_MESSAGES: Record<string, string> = {
  'party-invited': 'Party invited; its private link is on its way by e-mail.',
  'party-revoked': 'Party revoked: its link no longer works.',
  'party-shared': 'Shared with the parties ticked; they are told by e-mail.',
};

/** The Coordination group's view for the report page (undefined for who may not see it). */
export const loadCoordinationPanel = (ctx: AppContext, req: FastifyRequest, report: Report) => loadCoordinationView(ctx, req.staff!, report);

/**
 * The message box's "Also share with an invited party": after the message is
 * stored, shares it with one party or all active ones. Returns why a share was
 * refused (the message itself is kept), or undefined.
 */
export async function shareFromComposer(ctx: AppContext, actor: StaffActor, report: Report, messageId: string, choice: string | undefined): Promise<string | undefined> {
  if (!choice) return undefined;
  const partyIds =
    choice === 'all'
      ? (await ctx.db.selectFrom('coordination_parties').select('id').where('report_id', '=', report.id).where('revoked_at', 'is', null).execute()).map((p) => p.id)
      : [choice];
  try {
    await shareWithParties(ctx, { actor, report, partyIds, threadMessageId: messageId });
    return undefined;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return `The message was saved, but not shared: ${'fields' in err ? Object.values((err as { fields: Record<string, string> }).fields).join(' ') : err.message}`;
    throw err;
  }
}

const values = (body: unknown) => Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => e[0] !== '_csrf' && typeof e[1] === 'string'));
const partyIds = (body: unknown): string[] => {
  const v = (body as Record<string, unknown> | undefined)?.party;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
};

/**
 * The staff side of multi-party coordination: session, CSRF, the report the
 * member may see ("not found" otherwise), then the use case, which checks the
 * role itself (invite and revoke: leads and admins; share: editors).
 */
export function registerStaffCoordinationRoutes(app: FastifyInstance, ctx: AppContext, page: ReportPageHelpers): void {
  type Req = { Params: { ref: string }; Body: Record<string, string | string[]> };
  async function run(req: FastifyRequest<Req>, reply: FastifyReply, report: Report, done: string, action: () => Promise<unknown>) {
    try {
      await action();
    } catch (err) {
      if (err instanceof AppError && (err.status === 422 || err.status === 409)) {
        const fields = 'fields' in err ? (err as { fields: Record<string, string> }).fields : {};
        return page.render(req, reply, report, err.status, {
          triageForm: { values: values(req.body), errors: Object.keys(fields).length ? fields : { coordination: err.message } },
          flash: { kind: 'error', message: `${err.message} ${Object.values(fields).join(' ')}`.trim() },
        });
      }
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.reference}?done=${done}#group-coordination`, 303);
  }

  app.post<Req>('/staff/reports/:ref/parties', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    return run(req, reply, report, 'party-invited', () => inviteParty(ctx, { actor: req.staff!, report, input: values(req.body) }));
  });

  app.post<Req & { Params: { id: string } }>('/staff/reports/:ref/parties/:id/revoke', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    return run(req, reply, report, 'party-revoked', () => revokeParty(ctx, { actor: req.staff!, report, partyId: req.params.id }));
  });

  app.post<Req>('/staff/reports/:ref/parties/messages', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const body = typeof req.body?.partyMessage === 'string' ? req.body.partyMessage : '';
    return run(req, reply, report, 'party-shared', () => shareWithParties(ctx, { actor: req.staff!, report, partyIds: partyIds(req.body), body }));
  });

  app.post<Req>('/staff/reports/:ref/parties/share', { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const threadMessageId = typeof req.body?.threadMessage === 'string' ? req.body.threadMessage : '';
    return run(req, reply, report, 'party-shared', () => shareWithParties(ctx, { actor: req.staff!, report, partyIds: partyIds(req.body), threadMessageId }));
  });
}

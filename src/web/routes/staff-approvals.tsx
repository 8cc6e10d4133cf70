import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decideApproval } from '../../approvals/decide-approval.ts';
import { listPendingApprovals, setTwoPersonRule, twoPersonSettings } from '../../approvals/list-approvals.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { ApprovalsPage } from '../views/approvals-page.tsx';
import { renderPage } from '../views/layout.tsx';
import { namedMessage } from '../named-message.ts';

const DONE: Record<string, string> = {
  approve: 'Approved: it is done, and recorded in the timeline and the audit log.',
  decline: 'Declined: nothing was changed; the request and your decision are recorded.',
  settings: 'The two-person rule setting was saved.',
};

/** /staff/approvals: the two-person rule's requests (approve, decline) and each program's setting (admins). */
export function registerStaffApprovalRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);
  const hasher = senderHasher(ctx.secret);

  const render = async (req: FastifyRequest, reply: FastifyReply, status: number, flash?: { kind: 'success' | 'error'; message: string }) => {
    const program = await staffProgram(ctx, req);
    const page = (
      <ApprovalsPage
        chrome={chrome(req, reply, program)}
        csrf={reply.generateCsrf()}
        userId={req.staff!.userId}
        pending={await listPendingApprovals(ctx.db, req.staff!)}
        settings={await twoPersonSettings(ctx.db, req.staff!)}
        {...(flash ? { flash } : {})}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  };

  app.get<{ Querystring: { done?: string } }>('/staff/approvals', { preHandler: auth }, async (req, reply) => {
    const done = namedMessage(DONE, req.query.done);
    return render(req, reply, 200, done ? { kind: 'success', message: done } : undefined);
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>('/staff/approvals/:id', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const decision = req.body?.decision;
    if (decision !== 'approve' && decision !== 'decline') return render(req, reply, 422, { kind: 'error', message: 'Choose Approve or Decline.' });
    try {
      await decideApproval({ db: ctx.db, vault: ctx.vault, hasher, baseUrl: ctx.config.baseUrl }, req.staff!, { requestId: req.params.id, decision });
    } catch (err) {
      // Not allowed, not found, already decided, or the action itself refused (the report moved on): say so here.
      if (err instanceof AppError && err.status < 500) return render(req, reply, err.status, { kind: 'error', message: err.message });
      throw err;
    }
    return reply.redirect(`/staff/approvals?done=${decision}`, 303);
  });

  const settingsSchema = z.object({ programId: z.uuid(), on: z.enum(['yes', 'no']) });
  app.post<{ Body: Record<string, string> }>('/staff/approvals/settings', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const form = settingsSchema.safeParse(req.body ?? {});
    if (!form.success) return render(req, reply, 422, { kind: 'error', message: 'Choose a program and on or off.' });
    await setTwoPersonRule(ctx.db, req.staff!, { programId: form.data.programId, on: form.data.on === 'yes' });
    return reply.redirect('/staff/approvals?done=settings', 303);
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { REPORT_STATES } from '../../domain/lifecycle.ts';
import { MAX_BULK, runBulkAction, type BulkAction } from '../../triage/bulk-actions.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { BulkResultPage } from '../views/bulk-actions.tsx';
import { renderPage } from '../views/layout.tsx';

// One checkbox arrives as a string, several as an array.
const ids = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.uuid()).max(MAX_BULK));
const bulkSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assign'), ids, assignee: z.union([z.literal(''), z.uuid()]).default('') }),
  z.object({ action: z.literal('state'), ids, to: z.enum(REPORT_STATES) }),
  z.object({ action: z.literal('spam'), ids }),
]);

/** The inbox's bulk actions: session, CSRF, schema, then each report through its use case (authorized one by one). */
export function registerStaffBulkRoutes(app: FastifyInstance, ctx: AppContext): void {
  const hasher = senderHasher(ctx.secret);

  app.post<{ Body: Record<string, unknown> }>('/staff/reports/bulk', { preHandler: [requireStaff(ctx), app.csrfProtection] }, async (req, reply) => {
    const program = await staffProgram(ctx, req);
    const form = bulkSchema.safeParse(req.body ?? {});
    const none = form.success && form.data.ids.length === 0;
    if (!form.success || none) {
      const reason = none ? 'Select at least one report with its checkbox.' : 'That form was not filled in as expected.';
      const page = <BulkResultPage chrome={chrome(req, reply, program)} outcome={{ changed: [], failed: [{ reference: 'Nothing changed', reason }] }} back="/staff/reports" />;
      return sendHtml(reply, renderPage(page), 422, { private: true });
    }
    const f = form.data;
    const action: BulkAction = f.action === 'assign' ? { kind: 'assign', assigneeId: f.assignee || null } : f.action === 'state' ? { kind: 'state', to: f.to } : { kind: 'spam' };
    const outcome = await runBulkAction({ db: ctx.db, vault: ctx.vault, hasher }, req.staff!, f.ids, action);
    req.log.info({ action: f.action, changed: outcome.changed.length, failed: outcome.failed.length }, 'bulk action');
    const page = <BulkResultPage chrome={chrome(req, reply, program)} outcome={outcome} back="/staff/reports" />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });
}

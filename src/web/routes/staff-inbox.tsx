import type { FastifyInstance } from 'fastify';
import { visiblePrograms } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { countInboxTabs } from '../../reports/inbox-counts.ts';
import { inboxQuerySchema, listReports } from '../../reports/list-reports.ts';
import { listAssignableStaff } from '../../staff/staff-users.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { InboxPage } from '../views/inbox-page.tsx';

export function registerStaffInboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/staff', { preHandler: requireStaff(ctx) }, async (_req, reply) => reply.redirect('/staff/reports', 303));

  app.get('/staff/reports', { preHandler: requireStaff(ctx) }, async (req, reply) => {
    const actor = req.staff!;
    const query = inboxQuerySchema.parse(req.query ?? {});
    const programIds = visiblePrograms(actor);
    const program = await staffProgram(ctx, req);
    const [page, counts, staff] = await Promise.all([
      listReports(ctx.db, ctx.vault, { programIds, query, currentUserId: actor.userId, readerId: actor.userId }),
      countInboxTabs(ctx.db, programIds),
      program ? listAssignableStaff(ctx.db, program.id) : Promise.resolve([]),
    ]);
    const html = renderPage(
      <InboxPage chrome={chrome(req, reply, program)} query={query} page={page} counts={counts} products={program?.config.products ?? []} staff={staff} bulkCsrf={reply.generateCsrf()} />,
    );
    return sendHtml(reply, html, 200, { private: true });
  });
}

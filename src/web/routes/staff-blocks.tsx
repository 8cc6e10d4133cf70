import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { listBlocks, removeBlock } from '../../triage/block-list.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { BlocksPage } from '../views/blocks-page.tsx';
import { renderPage } from '../views/layout.tsx';

/** /staff/blocks: admins see their programs' block lists and remove entries (listBlocks and removeBlock check the role). */
export function registerStaffBlockRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  app.get<{ Querystring: { done?: string } }>('/staff/blocks', { preHandler: auth }, async (req, reply) => {
    const entries = await listBlocks(ctx.db, req.staff!);
    const program = await staffProgram(ctx, req);
    const page = (
      <BlocksPage
        chrome={chrome(req, reply, program)}
        csrf={reply.generateCsrf()}
        entries={entries}
        {...(req.query.done === 'removed' ? { flash: 'Removed from the block list: what that sender submits next is judged without it.' } : {})}
      />
    );
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<{ Params: { id: string } }>('/staff/blocks/:id/remove', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    if (!z.uuid().safeParse(req.params.id).success) throw new NotFoundError('This block-list entry');
    const removed = await removeBlock(ctx.db, req.staff!, req.params.id);
    // Ids only: the timeline of the block's report records it too, when the report still exists.
    req.log.info({ blockId: req.params.id, kind: removed.kind, reportId: removed.reportId }, 'block-list entry removed');
    return reply.redirect('/staff/blocks?done=removed', 303);
  });
}

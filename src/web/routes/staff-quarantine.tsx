import type { FastifyInstance } from 'fastify';
import { can, visiblePrograms } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { listQuarantine } from '../../triage/quarantine.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { QuarantinePage } from '../views/quarantine-page.tsx';
import { CLOSE_DONE_MESSAGES } from './staff-close.tsx';
import { namedMessage } from '../named-message.ts';

/** The inbox's Quarantine tab; its one-click decisions post to the report routes (staff-close.tsx) and come back here. */
export function registerStaffQuarantineRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/staff/reports/quarantine', { preHandler: requireStaff(ctx) }, async (req, reply) => {
    const actor = req.staff!;
    const query = req.query as Record<string, string | undefined>;
    const program = await staffProgram(ctx, req);
    const programIds = visiblePrograms(actor);
    const rows = await listQuarantine(ctx.db, ctx.vault, programIds, actor.userId);
    const done = namedMessage(CLOSE_DONE_MESSAGES, query.done);
    const page = (
      <QuarantinePage
        chrome={chrome(req, reply, program)}
        rows={rows}
        csrf={reply.generateCsrf()}
        canEdit={(r) => can.editReport(actor, { program_id: r.programId, restricted_to: r.restrictedTo })}
        flash={done ? `${query.ref ?? ''}: ${done}` : undefined}
      />
    );
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });
}

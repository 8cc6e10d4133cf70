import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { dismissDuplicateHints } from '../../triage/duplicate-suggestions.ts';
import { requireStaff } from '../require-staff.ts';

type Params = { Params: { ref: string } };

/** "Not a duplicate": dismisses the hints recorded at submission, so the inbox badge goes (src/triage/duplicate-suggestions.ts). */
export function registerStaffDuplicateHintRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<Params>('/staff/reports/:ref/duplicate-hints/dismiss', { preHandler: [requireStaff(ctx), app.csrfProtection] }, async (req, reply) => {
    const { reference } = await dismissDuplicateHints(ctx.db, { actor: req.staff!, reference: req.params.ref });
    return reply.redirect(`/staff/reports/${encodeURIComponent(reference)}#duplicates-h`, 303);
  });
}

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { downloadOriginalMail } from '../../mail-intake/download-original.ts';
import { requireStaff } from '../require-staff.ts';

type Params = { Params: { ref: string; mailId: string } };

/** The original of a received mail (docs/mail.md): staff who may see the report download it, never view it inline. */
export function registerStaffMailEvidenceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<Params>('/staff/reports/:ref/mails/:mailId/original', { preHandler: requireStaff(ctx) }, async (req, reply) => {
    const { reference, raw } = await downloadOriginalMail(ctx.db, ctx.secret, { actor: req.staff!, reference: req.params.ref, mailId: req.params.mailId });
    const filename = `${reference}-mail-${req.params.mailId.slice(0, 8)}.eml`.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .send(raw);
  });
}

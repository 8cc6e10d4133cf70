import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { createWebhook, deleteWebhook, listWebhooks } from '../../webhooks/manage-webhooks.ts';
import { integrationPrograms } from '../../webhooks/webhook-policy.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { WebhooksPage, type WebhookForm } from '../views/webhooks-page.tsx';

const formSchema = z.object({
  programId: z.string().default(''),
  url: z.string().max(4000).default(''),
  events: z.union([z.string(), z.array(z.string())]).optional(),
  includeContents: z.string().optional(),
});

/** /staff/webhooks: the programs' outgoing webhooks, for their admins (the use cases check the role). */
export function registerStaffWebhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function render(req: FastifyRequest, reply: FastifyReply, extra: { form?: WebhookForm; created?: { id: string; secret: string }; flash?: string }, status = 200) {
    const ids = integrationPrograms(req.staff!);
    if (ids.length === 0) throw new ForbiddenError('Only administrators configure webhooks.');
    const programs = (await Promise.all(ids.map((id) => loadProgram(ctx.db, { id })))).flatMap((p) => (p ? [{ id: p.id, name: p.config.name }] : []));
    const webhooks = await listWebhooks(ctx.db, ids);
    const program = await staffProgram(ctx, req);
    const page = <WebhooksPage chrome={chrome(req, reply, program)} csrf={reply.generateCsrf()} programs={programs} webhooks={webhooks} {...extra} />;
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get<{ Querystring: { done?: string } }>('/staff/webhooks', { preHandler: auth }, async (req, reply) => {
    return render(req, reply, req.query.done === 'deleted' ? { flash: 'Webhook removed; nothing more is sent to it.' } : {});
  });

  app.post('/staff/webhooks', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const body = formSchema.parse(req.body ?? {});
    const values = { programId: body.programId, url: body.url, events: body.events === undefined ? [] : [body.events].flat(), includeContents: body.includeContents === 'yes' };
    try {
      const created = await createWebhook(ctx.db, ctx.secret, { actor: req.staff!, input: values, allowPrivate: ctx.config.integrationsAllowPrivate });
      req.log.info({ webhookId: created.id, programId: values.programId }, 'webhook added');
      // Answered with the page itself, not a redirect: the secret is shown once and never stored in clear.
      return render(req, reply, { created }, 201);
    } catch (err) {
      if (err instanceof ValidationError) return render(req, reply, { form: { values, errors: err.fields } }, 422);
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/staff/webhooks/:id/delete', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    if (!z.uuid().safeParse(req.params.id).success) throw new NotFoundError('This webhook');
    await deleteWebhook(ctx.db, { actor: req.staff!, webhookId: req.params.id });
    return reply.redirect('/staff/webhooks?done=deleted', 303);
  });
}

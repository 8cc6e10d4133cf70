import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, NotFoundError, ValidationError } from '../../errors.ts';
import { chrome, sendHtml, staffProgram } from '../../web/page-context.ts';
import { requireStaff } from '../../web/require-staff.ts';
import { renderPage } from '../../web/views/layout.tsx';
import { apiCan, tokenPrograms } from '../api-policies.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';
import { StaffTokensPage, type TokenFormValues } from './staff-tokens-page.tsx';

type FormBody = Record<string, string | string[] | undefined>;

/** A form sends one checkbox value as a string and several as an array. */
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** /staff/api-tokens: administrators create and revoke the API tokens of their programs. */
export function registerStaffTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  /** The programs this member administers; other staff get "not allowed", as on the policy editor. */
  async function adminPrograms(req: FastifyRequest) {
    const ids = tokenPrograms(req.staff!);
    if (ids.length === 0) throw new AppError('forbidden', 403, 'Only administrators can manage API tokens.');
    return ctx.db.selectFrom('programs').select(['id', 'slug', 'name']).where('id', 'in', ids).orderBy('name').execute();
  }

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { values?: TokenFormValues; errors?: Record<string, string>; created?: { name: string; token: string }; flash?: string } = {},
  ) {
    const programs = await adminPrograms(req);
    const tokens = await listApiTokens(ctx.db, programs.map((p) => p.id));
    const page = (
      <StaffTokensPage
        chrome={chrome(req, reply, await staffProgram(ctx, req))}
        csrf={reply.generateCsrf()}
        programs={programs}
        tokens={tokens}
        values={extra.values ?? { name: '', scopes: [], program: programs[0]!.id }}
        errors={extra.errors ?? {}}
        {...(extra.created ? { created: extra.created } : {})}
        {...(extra.flash ? { flash: extra.flash } : {})}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get<{ Querystring: { done?: string } }>('/staff/api-tokens', { preHandler: auth }, async (req, reply) => {
    return render(req, reply, 200, req.query.done === 'revoked' ? { flash: 'Token revoked. Requests with it are refused from now on.' } : {});
  });

  app.post<{ Body: FormBody }>('/staff/api-tokens', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const programs = await adminPrograms(req);
    const body = req.body ?? {};
    const values: TokenFormValues = { name: String(body.name ?? '').slice(0, 200), scopes: list(body.scopes), program: String(body.program ?? '') };
    const program = programs.find((p) => p.id === values.program);
    if (!program || !apiCan.manageTokens(req.staff!, program.id)) {
      return render(req, reply, 422, { values, errors: { program: 'Choose one of your programs.' } });
    }
    try {
      const created = await createApiToken(ctx.db, { programId: program.id, input: { name: values.name, scopes: values.scopes }, createdBy: req.staff!.userId });
      req.log.info({ apiToken: created.id, scopes: created.scopes }, 'API token created');
      // Shown in this answer only: never in a URL, never stored.
      return render(req, reply, 200, { created: { name: values.name.trim(), token: created.token } });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return render(req, reply, 422, { values, errors: err.fields });
    }
  });

  app.post<{ Params: { id: string } }>('/staff/api-tokens/:id/revoke', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    if (!z.uuid().safeParse(req.params.id).success) throw new NotFoundError('This token');
    const token = await ctx.db.selectFrom('api_tokens').select(['id', 'program_id']).where('id', '=', req.params.id).executeTakeFirst();
    // Another program's token is "not found", like another program's report.
    if (!token || !apiCan.manageTokens(req.staff!, token.program_id)) throw new NotFoundError('This token');
    const revoked = await revokeApiToken(ctx.db, { programId: token.program_id, idOrName: token.id, revokedBy: req.staff!.userId });
    if (revoked) req.log.info({ apiToken: revoked.id }, 'API token revoked');
    return reply.redirect('/staff/api-tokens?done=revoked', 303);
  });
}

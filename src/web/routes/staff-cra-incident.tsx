import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { canCra } from '../../cra/cra-policy.ts';
import { fromLocalInput } from '../../cra/local-moment.ts';
import { recordSevereIncident } from '../../cra/record-incident.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { CraIncidentPage, type IncidentProgramChoice } from '../views/cra-incident-page.tsx';
import { renderPage } from '../views/layout.tsx';

/**
 * "Record a severe incident" (src/cra/record-incident.ts): session, CSRF,
 * the programs where the member is a lead or admin, then the use case, which
 * authorizes again and creates the report and its mark in one transaction.
 */
export function registerStaffCraIncidentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function choices(req: FastifyRequest): Promise<IncidentProgramChoice[]> {
    const out: IncidentProgramChoice[] = [];
    for (const id of req.staff!.roles.keys()) {
      if (!canCra.decide(req.staff!, { program_id: id })) continue;
      const p = await loadProgram(ctx.db, { id });
      if (p) out.push({ id: p.id, name: p.config.name, timeZone: p.config.calendar.timeZone, products: p.config.products.map((x) => ({ id: x.id, name: x.name })) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async function show(req: FastifyRequest, reply: FastifyReply, status: number, form: { values: Record<string, string>; errors: Record<string, string>; flash?: { kind: 'error'; message: string } }) {
    const programs = await choices(req);
    if (programs.length === 0) throw new ForbiddenError('Only a lead or admin of a program records an incident for CRA reporting.');
    const page = <CraIncidentPage chrome={chrome(req, reply, await staffProgram(ctx, req))} programs={programs} csrf={reply.generateCsrf()} {...form} />;
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get('/staff/cra/incidents/new', { preHandler: auth }, async (req, reply) => show(req, reply, 200, { values: {}, errors: {} }));

  app.post<{ Body: Record<string, string> }>('/staff/cra/incidents', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const b = req.body ?? {};
    const values = { product: String(b.product ?? ''), title: String(b.title ?? ''), description: String(b.description ?? ''), awareAt: String(b.awareAt ?? '') };
    const [programId = '', product = ''] = values.product.split(':');
    try {
      const program = /^[0-9a-f-]{36}$/.test(programId) ? await loadProgram(ctx.db, { id: programId }) : undefined;
      const awareAt = program ? fromLocalInput(values.awareAt, program.config.calendar.timeZone) : undefined;
      if (!program) throw new ValidationError({ product: 'Choose the program and the product.' }, 'Nothing was recorded.');
      const created = await recordSevereIncident(ctx, req.staff!, { programId: program.id, product, title: values.title, description: values.description, awareAt: awareAt ?? new Date(Number.NaN) });
      return reply.redirect(`/staff/reports/${created.reference}/cra?done=incident`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return show(req, reply, 422, { values, errors: err.fields, flash: { kind: 'error', message: err.message } });
      throw err;
    }
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../auth/policies.ts';
import {
  cannedResponseFormSchema,
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  updateCannedResponse,
} from '../../canned/canned-responses.ts';
import type { AppContext } from '../../context.ts';
import { fieldErrors } from '../../domain/report-input.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Program } from '../../programs/programs.ts';
import { chrome, sendHtml, staffProgram, staffProgramChoices } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { CannedResponsesPage, type CannedFormState } from '../views/canned-responses-page.tsx';
import { renderPage } from '../views/layout.tsx';
import { namedMessage } from '../named-message.ts';

type Form = { Body: Record<string, string> };
type IdForm = Form & { Params: { id: string } };

const DONE: Record<string, string> = { created: 'Template added.', saved: 'Template saved.', deleted: 'Template deleted.' };

/** The program's canned responses: every member reads them, admins write them. */
export function registerStaffCannedRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function programFor(req: FastifyRequest, edit: boolean): Promise<Program> {
    const program = await staffProgram(ctx, req);
    if (!can.viewInbox(req.staff!, program.id)) throw new NotFoundError();
    if (edit && !can.editCannedResponses(req.staff!, program.id)) throw new ForbiddenError('Only the program’s admins can change canned responses.');
    return program;
  }

  async function render(req: FastifyRequest, reply: FastifyReply, program: Program, status: number, form?: CannedFormState) {
    const done = (req.query as Record<string, string | undefined>).done;
    const page = (
      <CannedResponsesPage
        chrome={chrome(req, reply, program)}
        templates={await listCannedResponses(ctx.db, program.id)}
        canEdit={can.editCannedResponses(req.staff!, program.id)}
        csrf={reply.generateCsrf()}
        form={form}
        switcher={{ path: '/staff/canned-responses', current: program.slug, programs: await staffProgramChoices(ctx, req) }}
        flash={form ? { kind: 'error', message: 'The template was not saved.' } : namedMessage(DONE, done) ? { kind: 'success', message: namedMessage(DONE, done)! } : undefined}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  /** Validates and saves; a refused form comes back with what was typed and the field messages. */
  async function save(req: FastifyRequest<Form>, reply: FastifyReply, target: string, run: (program: Program, form: ReturnType<typeof cannedResponseFormSchema.parse>) => Promise<unknown>, done: string) {
    const program = await programFor(req, true);
    const { _csrf, ...values } = req.body ?? {};
    const parsed = cannedResponseFormSchema.safeParse(values);
    if (!parsed.success) return render(req, reply, program, 422, { target, values, errors: fieldErrors(parsed.error) });
    try {
      await run(program, parsed.data);
    } catch (err) {
      if (err instanceof ValidationError) return render(req, reply, program, 422, { target, values, errors: err.fields });
      throw err;
    }
    return reply.redirect(`/staff/canned-responses?done=${done}&program=${encodeURIComponent(program.slug)}`, 303);
  }

  app.get('/staff/canned-responses', { preHandler: auth }, async (req, reply) => render(req, reply, await programFor(req, false), 200));

  app.post<Form>('/staff/canned-responses', { preHandler: [auth, app.csrfProtection] }, async (req, reply) =>
    save(req, reply, 'new', (program, form) => createCannedResponse(ctx.db, { programId: program.id, actorId: req.staff!.userId, form }), 'created'),
  );

  app.post<IdForm>('/staff/canned-responses/:id', { preHandler: [auth, app.csrfProtection] }, async (req, reply) =>
    save(req, reply, req.params.id, (program, form) => updateCannedResponse(ctx.db, { programId: program.id, id: req.params.id, actorId: req.staff!.userId, form }), 'saved'),
  );

  app.post<IdForm>('/staff/canned-responses/:id/delete', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const program = await programFor(req, true);
    await deleteCannedResponse(ctx.db, { programId: program.id, id: req.params.id });
    return reply.redirect(`/staff/canned-responses?done=deleted&program=${encodeURIComponent(program.slug)}`, 303);
  });
}

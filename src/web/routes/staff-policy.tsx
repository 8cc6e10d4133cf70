import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { POLICY_SECTIONS } from '../../policy/policy-sections.ts';
import { parsePolicyForm, policyOwner, publishPolicyVersion } from '../../policy/policy-versions.ts';
import type { PolicySections } from '../../programs/program-config.ts';
import type { Program } from '../../programs/programs.ts';
import { chrome, publicBaseUrl, sendHtml, staffProgram, staffProgramChoices } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { PolicyEditorPage } from '../views/policy-editor-page.tsx';

/** Policy edits are an administrator's decision: it is the vendor's public promise. */
export function registerStaffPolicyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function adminProgram(req: FastifyRequest): Promise<Program> {
    const program = await staffProgram(ctx, req);
    if (!can.editPolicy(req.staff!, program.id)) throw new AppError('forbidden', 403, 'Only administrators can edit the disclosure policy.');
    return program;
  }

  async function render(req: FastifyRequest, reply: FastifyReply, program: Program, args: { sections: PolicySections; note: string; errors: Record<string, string>; preview: boolean }, status: number) {
    const owner = await policyOwner(ctx.db, program.id);
    const switcher = { path: '/staff/policy', current: program.slug, programs: await staffProgramChoices(ctx, req) };
    const page = <PolicyEditorPage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} owner={owner} switcher={switcher} publicUrl={publicBaseUrl(ctx, program)} {...args} />;
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get('/staff/policy', { preHandler: auth }, async (req, reply) => {
    const program = await adminProgram(req);
    return render(req, reply, program, { sections: program.policy.sections, note: '', errors: {}, preview: false }, 200);
  });

  app.post<{ Body: Record<string, string> }>('/staff/policy', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const program = await adminProgram(req);
    const body = req.body ?? {};
    const typed = Object.fromEntries(POLICY_SECTIONS.map(([k]) => [k, String(body[k] ?? '')])) as PolicySections;
    const note = String(body.note ?? '').slice(0, 300);
    const parsed = parsePolicyForm(typed);
    if (!parsed.ok) return render(req, reply, program, { sections: typed, note, errors: parsed.errors, preview: false }, 422);
    if (body.action !== 'publish') return render(req, reply, program, { sections: parsed.sections, note, errors: {}, preview: true }, 200);
    try {
      const version = await publishPolicyVersion(ctx.db, { programId: program.id, sections: parsed.sections, publishedBy: req.staff!.userId, note });
      req.log.info({ version }, 'policy version published');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return render(req, reply, program, { sections: typed, note, errors: err.fields, preview: false }, 422);
    }
    return reply.redirect(`${publicBaseUrl(ctx, program)}/policy/history`, 303); // on the program's own host
  });
}

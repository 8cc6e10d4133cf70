import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { deactivateStaff, reactivateStaff } from '../../staff/accounts/activation.ts';
import { inviteStaff } from '../../staff/accounts/invite-staff.ts';
import { sendPasswordReset } from '../../staff/accounts/password-links.ts';
import { setStaffRole } from '../../staff/accounts/set-role.ts';
import { listStaffHistory } from '../../staff/accounts/staff-events.ts';
import { listTeam } from '../../staff/accounts/team.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { TeamPage, type InvitationValues } from '../views/team-page.tsx';

type FormBody = Record<string, string | string[] | undefined>;

const FLASH: Record<string, string> = {
  invited: 'Invitation sent. The link works once, for 72 hours.',
  role: 'Role changed. It applies from their next page.',
  deactivated: 'Account deactivated: its sessions ended, and API tokens it created are refused.',
  reactivated: 'Account reactivated with the roles it had.',
  reset: 'Password reset link sent. It works once, for 2 hours; using it signs them out everywhere.',
};

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** /staff/team: administrators invite staff, change roles, deactivate and reactivate accounts, send reset links. */
export function registerStaffTeamRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);
  const onlyAdmins = async (req: FastifyRequest) => {
    if (!can.viewTeam(req.staff!)) throw new ForbiddenError('Only administrators manage the team.');
  };

  async function render(req: FastifyRequest, reply: FastifyReply, status: number, extra: { values?: InvitationValues; errors?: Record<string, string>; flash?: string; problem?: string } = {}) {
    const actor = req.staff!;
    const programs = await ctx.db.selectFrom('programs').select(['id', 'name']).orderBy('name').execute();
    const administered = new Set(programs.filter((p) => can.changeStaffRole(actor, p.id)).map((p) => p.id));
    const page = (
      <TeamPage
        chrome={chrome(req, reply, await staffProgram(ctx, req))}
        csrf={reply.generateCsrf()}
        programs={programs}
        administered={administered}
        manages={(m) => can.deactivateStaff(actor, { programIds: [...m.roles.keys()] })}
        members={await listTeam(ctx.db)}
        history={await listStaffHistory(ctx.db)}
        values={extra.values ?? { email: '', displayName: '', role: 'triager', programIds: [...administered] }}
        errors={extra.errors ?? {}}
        mailConfigured={ctx.config.mail.smtpUrl !== undefined}
        selfId={actor.userId}
        {...(extra.flash ? { flash: extra.flash } : {})}
        {...(extra.problem ? { problem: extra.problem } : {})}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  /** Runs an account change; a refusal a person can act on (last admin, never joined) comes back on the page. */
  async function change(req: FastifyRequest, reply: FastifyReply, done: string, run: () => Promise<unknown>) {
    try {
      await run();
    } catch (err) {
      if (err instanceof ValidationError) return render(req, reply, 422, { problem: Object.values(err.fields).join(' ') });
      if (err instanceof AppError && err.status === 409) return render(req, reply, 409, { problem: err.message });
      throw err;
    }
    return reply.redirect(`/staff/team?done=${done}`, 303);
  }

  const memberId = (req: FastifyRequest<{ Params: { id: string } }>) => {
    if (!z.uuid().safeParse(req.params.id).success) throw new NotFoundError('This staff account');
    return req.params.id;
  };

  app.get<{ Querystring: { done?: string } }>('/staff/team', { preHandler: [auth, onlyAdmins] }, async (req, reply) => {
    const flash = FLASH[req.query.done ?? ''];
    return render(req, reply, 200, flash ? { flash } : {});
  });

  app.post<{ Body: FormBody }>('/staff/team/invite', { preHandler: [auth, app.csrfProtection, onlyAdmins] }, async (req, reply) => {
    const body = req.body ?? {};
    const values: InvitationValues = {
      email: one(body.email).slice(0, 400),
      displayName: one(body.displayName).slice(0, 200),
      role: one(body.role),
      programIds: list(body.programs).slice(0, 100),
    };
    try {
      const invited = await inviteStaff(ctx.db, ctx.secret, { actor: req.staff!, input: values });
      req.log.info({ invited: invited.userId }, 'staff member invited');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return render(req, reply, 422, { values, errors: err.fields });
    }
    return reply.redirect('/staff/team?done=invited', 303);
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/staff/team/:id/role', { preHandler: [auth, app.csrfProtection, onlyAdmins] }, async (req, reply) => {
    const userId = memberId(req);
    return change(req, reply, 'role', () => setStaffRole(ctx.db, { actor: req.staff!, userId, programId: one(req.body?.program), role: one(req.body?.role) }));
  });

  app.post<{ Params: { id: string } }>('/staff/team/:id/deactivate', { preHandler: [auth, app.csrfProtection, onlyAdmins] }, async (req, reply) => {
    const userId = memberId(req);
    return change(req, reply, 'deactivated', () => deactivateStaff(ctx.db, { actor: req.staff!, userId }));
  });

  app.post<{ Params: { id: string } }>('/staff/team/:id/reactivate', { preHandler: [auth, app.csrfProtection, onlyAdmins] }, async (req, reply) => {
    const userId = memberId(req);
    return change(req, reply, 'reactivated', () => reactivateStaff(ctx.db, { actor: req.staff!, userId }));
  });

  app.post<{ Params: { id: string } }>('/staff/team/:id/password-reset', { preHandler: [auth, app.csrfProtection, onlyAdmins] }, async (req, reply) => {
    const userId = memberId(req);
    return change(req, reply, 'reset', () => sendPasswordReset(ctx.db, ctx.secret, { actor: req.staff!, userId }));
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { visiblePrograms } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { countInboxTabs } from '../../reports/inbox-counts.ts';
import { listDueReports } from '../../sla/list-due-reports.ts';
import { canCra } from '../../cra/cra-policy.ts';
import { listCraDue } from '../../cra/list-cra-due.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { DuePage } from '../views/due-page.tsx';
import { renderPage } from '../views/layout.tsx';

const digestFormSchema = z.object({ enabled: z.enum(['yes', 'no']) });

/** The inbox's "Due" view and the daily digest preference shown on it. */
export function registerStaffDueRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  app.get('/staff/reports/due', { preHandler: auth }, async (req, reply) => {
    const actor = req.staff!;
    const query = req.query as Record<string, string | undefined>;
    const mine = query.assignee === 'me';
    const now = new Date();
    const program = await staffProgram(ctx, req);
    const programIds = visiblePrograms(actor);
    const [rows, counts, me] = await Promise.all([
      listDueReports(ctx.db, ctx.vault, { programIds, ...(mine ? { assigneeId: actor.userId } : {}), now, readerId: actor.userId }),
      countInboxTabs(ctx.db, programIds),
      ctx.db.selectFrom('staff_users').select('sla_digest').where('id', '=', actor.userId).executeTakeFirstOrThrow(),
    ]);
    const page = (
      <DuePage
        chrome={chrome(req, reply, program)}
        rows={rows}
        now={now}
        timeZone={program?.config.calendar.timeZone ?? 'UTC'}
        mine={mine}
        counts={counts}
        digest={{ enabled: me.sla_digest, csrf: reply.generateCsrf(), saved: query.digest === 'saved' }}
        canRecordIncident={programIds.some((id) => canCra.decide(actor, { program_id: id }))}
        cra={await listCraDue(ctx.db, ctx.vault, { programIds, now, readerId: actor.userId })}
      />
    );
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<{ Body: Record<string, string> }>('/staff/preferences/sla-digest', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const form = digestFormSchema.safeParse(req.body ?? {});
    if (form.success) {
      await ctx.db.updateTable('staff_users').set({ sla_digest: form.data.enabled === 'yes' }).where('id', '=', req.staff!.userId).execute();
    }
    return reply.redirect('/staff/reports/due?digest=saved', 303);
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findCannedResponse } from '../../canned/canned-responses.ts';
import { fillForReport } from '../../canned/fill-for-report.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { parseIpBlockDays } from '../../triage/block-list.ts';
import { closeAsNotApplicable, closeAsSpam } from '../../triage/close-report.ts';
import { releaseFromQuarantine } from '../../triage/quarantine.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import type { ReportPageHelpers } from './staff-triage.tsx';

/** Success messages of the closing forms, merged into the report page's own. */
export const CLOSE_DONE_MESSAGES: Record<string, string> = {
  'not-applicable': 'Closed as not applicable; the reporter is told why.',
  spam: 'Closed as spam. The reporter is not told.',
  'spam-blocked': 'Closed as spam and the sender’s e-mail address is blocked: what they send from it next is quarantined. Admins see and lift blocks on the block list.',
  'spam-blocked-ip': 'Closed as spam and the sender is blocked, their IP address until the expiry chosen: what they send next is quarantined. Admins see and lift blocks on the block list.',
  released: 'Released from the quarantine: the report is in the normal inbox views.',
};

const schemas = {
  close: z.object({ closureReason: z.string().max(40).default(''), template: z.string().max(40).default(''), note: z.string().max(5000).default('') }),
  spam: z.object({ block: z.literal('yes').optional(), blockIp: z.string().max(4).optional() }),
  release: z.object({}),
} as const;
type Action = keyof typeof schemas;

/**
 * Closing a report (not applicable with a reason, or spam) and the quarantine's
 * release, on the staff report page: session, CSRF, schema, may edit, use case,
 * redirect; a refused action comes back on the page with the reason.
 */
export function registerStaffCloseRoutes(app: FastifyInstance, ctx: AppContext, page: ReportPageHelpers): void {
  const hasher = senderHasher(ctx.secret);

  function route<A extends Action>(action: A, run: (report: Report, form: z.infer<(typeof schemas)[A]>, actorId: string) => Promise<string>) {
    app.post<{ Params: { ref: string }; Body: Record<string, string> }>(`/staff/reports/:ref/${action}`, { preHandler: [page.auth, app.csrfProtection] }, async (req, reply) => {
      const report = await page.editableReport(req, req.params.ref);
      const parsed = schemas[action].safeParse(req.body ?? {});
      if (!parsed.success) return page.render(req, reply, report, 422, { flash: { kind: 'error', message: 'That form was not filled in as expected.' } });
      let done: string;
      try {
        done = await run(report, parsed.data as z.infer<(typeof schemas)[A]>, req.staff!.userId);
      } catch (err) {
        if (err instanceof ValidationError) return page.render(req, reply, report, 422, { flash: { kind: 'error', message: Object.values(err.fields).join(' ') || err.message } });
        if (err instanceof AppError && (err.status === 409 || err.status === 403)) return page.render(req, reply, report, err.status, { flash: { kind: 'error', message: err.message } });
        throw err;
      }
      // The Quarantine tab's one-click forms come back to the tab.
      if (req.body?.back === 'quarantine') return reply.redirect(`/staff/reports/quarantine?done=${done}&ref=${encodeURIComponent(report.reference)}`, 303);
      return reply.redirect(`/staff/reports/${report.reference}?done=${done}`, 303);
    });
  }

  route('close', async (report, form, actorId) => {
    // One click with a template: its reason when none is chosen, its filled text when no message is typed.
    let reason = form.closureReason;
    let note = form.note.trim();
    if (form.template) {
      const program = await loadProgram(ctx.db, { id: report.program_id });
      const template = program && (await findCannedResponse(ctx.db, program.id, form.template));
      if (!program || !template) throw new ValidationError({ template: 'That template no longer exists.' });
      reason ||= template.closureReason ?? '';
      note ||= fillForReport(template.body, report, program, ctx.config.baseUrl);
    }
    await closeAsNotApplicable(ctx.db, ctx.vault, { reportId: report.id, actorId, reason, note });
    return 'not-applicable';
  });

  route('spam', async (report, form, actorId) => {
    // The e-mail address by default; the IP address only when chosen, for 1, 7 or 30 days (an admin's choice: closeAsSpam checks).
    const block = { email: form.block === 'yes', ipDays: parseIpBlockDays(form.blockIp) };
    const { blocked } = await closeAsSpam(ctx.db, ctx.vault, hasher, { reportId: report.id, actorId, block });
    return blocked.ip ? 'spam-blocked-ip' : blocked.email ? 'spam-blocked' : 'spam';
  });

  route('release', async (report, _form, actorId) => {
    await releaseFromQuarantine(ctx.db, { reportId: report.id, actorId });
    return 'released';
  });
}

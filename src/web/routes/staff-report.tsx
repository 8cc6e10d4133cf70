import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { REPORT_STATES } from '../../domain/lifecycle.ts';
import { messageBodySchema } from '../../domain/report-input.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { findReportByReference, listAttachments, loadTimeline } from '../../reports/read-report.ts';
import { assignReport, changeState, messageVisibility, postStaffMessage } from '../../reports/report-actions.ts';
import { listAssignableStaff } from '../../staff/staff-users.ts';
import { sendAttachment } from '../download.ts';
import { auditReportRead } from '../../audit/audit-hooks.ts';
import { readMultipartForm } from '../multipart-form.ts';
import { chrome, sendHtml } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import type { ClientBundles } from '../client-bundles.ts';
import { StaffReportPage } from '../views/staff-report-page.tsx';
import { loadTriageView, type TriageFormState } from '../../triage/load-triage-view.ts';
import { TRIAGE_DONE_MESSAGES, registerStaffTriageRoutes } from './staff-triage.tsx';
import { loadReportExtras } from '../../triage/load-report-extras.ts';
import { findAdvisoryForReport } from '../../advisories/advisory-store.ts';
import { CLOSE_DONE_MESSAGES, registerStaffCloseRoutes } from './staff-close.tsx';
import { COLLAB_DONE_MESSAGES, loadCollabView, registerStaffCollabRoutes } from './staff-collab.tsx';
import { DISCLOSURE_DONE_MESSAGES, registerStaffDisclosureRoutes } from './disclosure-date.tsx';
import { DELIVERY_DONE_MESSAGES, registerReportDeliveryRoutes } from './staff-deliveries.tsx';
import { listUnsentReportMail } from '../../jobs/job-status.ts';
import { findCannedResponse, listCannedResponses } from '../../canned/canned-responses.ts';
import { fillForReport } from '../../canned/fill-for-report.ts';
import type { ComposerDraft } from '../views/report-composer-panel.tsx';
import { listRefusedDeliveries } from '../../mail/deliveries.ts';
import { loadMailEvidenceView } from '../../mail-intake/mail-evidence-view.ts';
import { loadTrackerPanel } from '../../trackers/link-issue.ts';
import { loadCraPanel, registerStaffCraRoutes } from './staff-cra.tsx';
import { registerStaffEarlyNoticeRoutes } from './staff-early-notice.tsx';
import { COORDINATION_DONE_MESSAGES, loadCoordinationPanel, registerStaffCoordinationRoutes, shareFromComposer } from './staff-coordination.tsx';
import { namedMessage } from '../named-message.ts';
import { RestrictedReportError, requireReadable } from '../../reports/restricted-access.ts';
import { loadAccessPanel, registerStaffRestrictedRoutes, renderRestricted, RESTRICTED_DONE_MESSAGES } from './staff-restricted.tsx';

type RefParams = { Params: { ref: string } };

const DONE_MESSAGES: Record<string, string> = {
  state: 'Status changed.',
  assign: 'Assignee saved.',
  reply: 'Reply sent to the reporter.',
  note: 'Internal note saved.',
  ...TRIAGE_DONE_MESSAGES,
  ...CLOSE_DONE_MESSAGES,
  ...COLLAB_DONE_MESSAGES,
  ...DISCLOSURE_DONE_MESSAGES,
  'reporter-erased': 'The reporter’s personal data was erased; the report is kept.',
  ...DELIVERY_DONE_MESSAGES,
  ...COORDINATION_DONE_MESSAGES,
  ...RESTRICTED_DONE_MESSAGES,
};

const stateFormSchema = z.object({ to: z.enum(REPORT_STATES), reason: z.string().max(500).optional(), discloseEarly: z.literal('yes').optional() });
const assignFormSchema = z.object({ assignee: z.union([z.literal(''), z.uuid()]) });

export function registerStaffReportRoutes(app: FastifyInstance, ctx: AppContext, bundles?: ClientBundles): void {
  const auth = requireStaff(ctx);

  /** The report if the signed-in member may see it; otherwise "not found", never "forbidden". */
  async function visibleReport(req: FastifyRequest, ref: string): Promise<Report> {
    // A restricted report the member is not named on: 403 "restricted", never its contents.
    return requireReadable(req.staff!, await findReportByReference(ctx.db, ctx.vault, ref));
  }

  async function editableReport(req: FastifyRequest, ref: string): Promise<Report> {
    const report = await visibleReport(req, ref);
    if (!can.editReport(req.staff!, report)) throw new AppError('forbidden', 403, 'Your role can read this report but not change it.');
    return report;
  }

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    report: Report,
    status: number,
    extra: { flash?: { kind: 'error' | 'success'; message: string }; draft?: ComposerDraft; triageForm?: TriageFormState } = {},
  ) {
    const [program, attachments, policy] = await Promise.all([
      loadProgram(ctx.db, { id: report.program_id }),
      listAttachments(ctx.db, ctx.vault, report.id),
      ctx.db.selectFrom('policy_versions').select('version').where('id', '=', report.policy_version_id).executeTakeFirstOrThrow(),
    ]);
    if (!program) throw new NotFoundError('This program');
    const query = req.query as Record<string, unknown>;
    const [timeline, assignable, triage, collab, extras, advisory, deliveries] = await Promise.all([
      loadTimeline(ctx.db, ctx.vault, report.id, 'staff', attachments),
      listAssignableStaff(ctx.db, report.program_id),
      loadTriageView(ctx.db, ctx.vault, report, program, { query, form: extra.triageForm, readerId: req.staff!.userId }),
      loadCollabView(ctx, report, req.staff!.userId),
      loadReportExtras(ctx.db, report, program, ctx.config.baseUrl, query),
      findAdvisoryForReport(ctx.db, report.id),
      Promise.all([listUnsentReportMail(ctx.db, report), listRefusedDeliveries(ctx.db, { reportId: report.id }, 5)]),
    ]);
    const done = (req.query as Record<string, string | undefined>).done;
    const flash = extra.flash ?? (namedMessage(DONE_MESSAGES, done) ? { kind: 'success' as const, message: namedMessage(DONE_MESSAGES, done)! } : undefined);
    const mail = await loadMailEvidenceView(ctx, req.staff!, report);
    // Filled for this report, so the message box's script inserts them at the cursor without asking the server.
    const cannedTemplates = (await listCannedResponses(ctx.db, program.id)).map((t) => ({ id: t.id, title: t.title, filled: fillForReport(t.body, report, program, ctx.config.baseUrl) }));
    const page = (
      <StaffReportPage
        chrome={chrome(req, reply, program)}
        report={report}
        program={program}
        policyVersion={policy.version}
        timeline={timeline}
        attachments={attachments}
        assignable={assignable}
        canEdit={can.editReport(req.staff!, report)}
        csrf={reply.generateCsrf()}
        flash={flash}
        draft={extra.draft ?? (extras.draft ? { body: extras.draft.body, visibility: 'internal', template: extras.pickedTemplate } : undefined)}
        extras={extras}
        triage={triage}
        collab={collab}
        scripts={bundles ? [bundles.cvssPicker, bundles.cannedInsert] : []}
        advisory={advisory}
        deliveries={{ jobs: deliveries[0], refused: deliveries[1], canRetry: can.retryReportMail(req.staff!, report) }}
        mail={mail}
        cra={await loadCraPanel(ctx, req, report, program)}
        trackers={await loadTrackerPanel(ctx, req.staff!, report)}
        coordination={await loadCoordinationPanel(ctx, req, report)}
        access={await loadAccessPanel(ctx, req.staff!, report)}
        cannedTemplates={cannedTemplates}
        done={done}
        canDraftAdvisory={can.editAdvisory(req.staff!, report.program_id)}
        canSendEarlyNotice={can.sendEarlyNotice(req.staff!, report.program_id)}
        privacy={can.manageReporterData(req.staff!, report.program_id) ? { confirm: done === 'erase-confirm' } : undefined}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  /** Shows a refused action on the report page itself, keeping the team's context. */
  async function refuse(req: FastifyRequest, reply: FastifyReply, report: Report, err: unknown) {
    if (err instanceof AppError && (err.status === 409 || err.status === 422)) {
      const message = 'fields' in err ? Object.values((err as { fields: Record<string, string> }).fields).join(' ') || err.message : err.message;
      return render(req, reply, report, err.status, { flash: { kind: 'error', message } });
    }
    throw err;
  }

  app.get<RefParams>('/staff/reports/:ref', { preHandler: auth }, async (req, reply) => {
    let report: Report;
    try {
      report = await visibleReport(req, req.params.ref);
    } catch (err) {
      if (err instanceof RestrictedReportError) return renderRestricted(ctx, req, reply, req.params.ref.toUpperCase(), 403);
      throw err;
    }
    await auditReportRead(ctx, { kind: 'staff', id: req.staff!.userId }, report.id, 'report.viewed'); // who read which report when
    return render(req, reply, report, 200);
  });

  app.post<RefParams & { Body: Record<string, string> }>('/staff/reports/:ref/state', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const report = await editableReport(req, req.params.ref);
    const form = stateFormSchema.safeParse(req.body ?? {});
    if (!form.success) return render(req, reply, report, 422, { flash: { kind: 'error', message: 'Choose the new status.' } });
    try {
      await changeState(ctx.db, ctx.vault, { reportId: report.id, to: form.data.to, actorId: req.staff!.userId, reason: form.data.reason, discloseEarly: form.data.discloseEarly === 'yes' });
    } catch (err) {
      return refuse(req, reply, report, err);
    }
    return reply.redirect(`/staff/reports/${report.reference}?done=state`, 303);
  });

  app.post<RefParams & { Body: Record<string, string> }>('/staff/reports/:ref/assign', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const report = await editableReport(req, req.params.ref);
    const form = assignFormSchema.safeParse(req.body ?? {});
    if (!form.success) return render(req, reply, report, 422, { flash: { kind: 'error', message: 'Choose someone from the list.' } });
    try {
      await assignReport(ctx.db, { reportId: report.id, assigneeId: form.data.assignee || null, actorId: req.staff!.userId });
    } catch (err) {
      return refuse(req, reply, report, err);
    }
    return reply.redirect(`/staff/reports/${report.reference}?done=assign`, 303);
  });

  app.post<RefParams>('/staff/reports/:ref/messages', { preHandler: auth }, async (req, reply) => {
    const form = await readMultipartForm(app, req, reply, ctx.config.uploads);
    const report = await editableReport(req, req.params.ref);
    // A slip must never mail the reporter: only an explicit "reporter" choice leaves the team.
    const visibility = messageVisibility(form.fields.visibility);
    const typed = form.fields.body ?? '';
    if (form.fields.action === 'insert-canned') {
      // The no-JavaScript "Insert": the page comes back with the draft and the filled template after it; nothing is sent.
      const program = await loadProgram(ctx.db, { id: report.program_id });
      const template = program && form.fields.template ? await findCannedResponse(ctx.db, program.id, form.fields.template) : undefined;
      if (!program || !template) return render(req, reply, report, 422, { draft: { body: typed, visibility, error: 'Choose a canned response from the list.' } });
      const filled = fillForReport(template.body, report, program, ctx.config.baseUrl);
      const draft = typed.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
      const body = draft ? `${draft}\n\n${filled}` : filled;
      const attachmentsDropped = form.files.length > 0 || form.fileError !== undefined;
      return render(req, reply, report, 200, { draft: { body, visibility, template: template.id, attachmentsDropped } });
    }
    const body = messageBodySchema.safeParse(typed);
    if (!body.success || form.fileError) {
      const error = form.fileError ?? body.error?.issues[0]?.message ?? 'Write a message.';
      return render(req, reply, report, 422, { draft: { body: typed, visibility, error } });
    }
    const message = await postStaffMessage(ctx.db, ctx.vault, { reportId: report.id, actorId: req.staff!.userId, visibility, body: body.data, files: form.files });
    // "Also share with an invited party" (src/coordination/): the message is stored either way; a refused share says why.
    const shared = await shareFromComposer(ctx, req.staff!, report, message.id, form.fields.shareWith);
    if (shared) return render(req, reply, report, 409, { flash: { kind: 'error', message: shared } });
    return reply.redirect(`/staff/reports/${report.reference}?done=${visibility === 'internal' ? 'note' : 'reply'}#timeline`, 303);
  });

  app.get<{ Params: { ref: string; id: string } }>('/staff/reports/:ref/attachments/:id', { preHandler: auth }, async (req, reply) => {
    const report = await visibleReport(req, req.params.ref);
    return sendAttachment(ctx.db, ctx.vault, reply, { reportId: report.id, attachmentId: req.params.id, reporterVisibleOnly: false, reader: { kind: 'staff', id: req.staff!.userId } });
  });

  registerStaffTriageRoutes(app, ctx, { auth, visibleReport, editableReport, render });
  registerStaffCloseRoutes(app, ctx, { auth, visibleReport, editableReport, render });
  registerStaffCollabRoutes(app, ctx, { auth, visibleReport, editableReport, render });
  registerStaffDisclosureRoutes(app, ctx, { auth, visibleReport, editableReport, render });
  registerReportDeliveryRoutes(app, ctx, { auth, visibleReport });
  registerStaffCraRoutes(app, ctx, { auth, visibleReport });
  registerStaffEarlyNoticeRoutes(app, ctx, { auth, visibleReport });
  registerStaffCoordinationRoutes(app, ctx, { auth, visibleReport, editableReport, render });
  registerStaffRestrictedRoutes(app, ctx, { auth, visibleReport });
}

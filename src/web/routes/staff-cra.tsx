import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { auditReportRead } from '../../audit/audit-hooks.ts';
import { CRA_CHANNELS, correctAwareAt, markCraCase, recordCraSubmission, recordUsersInformed, setMeasureAvailable } from '../../cra/cra-actions.ts';
import { CRA_KINDS, CRA_STEPS, type CraStep } from '../../cra/cra-clocks.ts';
import { saveCraDraft } from '../../cra/cra-drafts.ts';
import { craDraftJson, craDraftMarkdown, type CraExportHeader } from '../../cra/cra-fields.ts';
import { canCra } from '../../cra/cra-policy.ts';
import { loadCraView } from '../../cra/load-cra-view.ts';
import { fromLocalInput } from '../../cra/local-moment.ts';
import { AppError, NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram, type Program } from '../../programs/programs.ts';
import { chrome, sendHtml } from '../page-context.ts';
import { CraPage, type CraInforming, type CraPageForm } from '../views/cra-page.tsx';
import { publishReportAdvisory } from '../../advisories/publish-report-advisory.ts';
import { ApprovalPendingError, twoPersonRuleOn } from '../../approvals/second-person.ts';
import { earlyPublicationCheck } from '../../disclosure/load-disclosure.ts';
import { earlyNoticeAudience, earlyNoticeClosedReason, typedEarlyNoticeForm } from '../../early-notices/early-notice-audience.ts';
import { prefillEarlyNotice } from '../../early-notices/early-notice-content.ts';
import { listEarlyNotices, sendEarlyNoticeFromForm } from '../../early-notices/send-early-notice.ts';
import type { CraPanelView } from '../views/cra-panel.tsx';
import { renderPage } from '../views/layout.tsx';
import type { ReportPageHelpers } from './staff-triage.tsx';
import { namedMessage } from '../named-message.ts';

type Params = { Params: { ref: string; caseId: string; step: string } };
type Body = { Body: Record<string, string> };

const DONE: Record<string, string> = {
  marked: 'Marked. The Article 14 clocks run from when the team became aware.',
  incident: 'Recorded: a new report for the incident, marked as a severe incident. The Article 14 clocks run from when the team became aware.',
  aware: 'Corrected: every clock counts from the new moment.',
  measure: 'Saved: the final report is due 14 days after the measure became available.',
  submission: 'Submission recorded; that step’s clock stopped.',
  draft: 'Draft saved.',
  informed: 'Recorded in the timeline.',
  published: 'Published: the advisory is public and the subscribers who follow the product are being notified.',
  'publish-pending': 'The publication waits for another lead or admin to approve it under the two-person rule (Approvals page). Nothing is public yet.',
  'early-notice': 'Early notice sent: the mails are on their way to the subscribers of the products chosen.',
  'early-notice-pending': 'The early notice waits for another lead or admin to approve it under the two-person rule (Approvals page). Nothing was sent yet.',
};

const markSchema = z.object({ kind: z.enum(CRA_KINDS), awareAt: z.string() });
const submissionSchema = z.object({ step: z.enum(CRA_STEPS), submittedAt: z.string(), channel: z.enum(CRA_CHANNELS), reference: z.string().default('') });

/** The report page's CRA panel data: loaded by the report page's render (src/web/routes/staff-report.tsx). */
export async function loadCraPanel(ctx: AppContext, req: FastifyRequest, report: Report, program: Program | undefined): Promise<CraPanelView | undefined> {
  if (!program) return undefined;
  return { ...(await loadCraView(ctx.db, ctx.vault, report, program)), canDecide: canCra.decide(req.staff!, report) };
}

/**
 * The CRA Article 14 screen and its forms (src/cra/): mark, measure, record
 * a submission, save a draft, export it (JSON, Markdown: downloads, never
 * rendered), record that users were informed. Authorization is the use
 * cases' (src/cra/cra-policy.ts); a report the member may not see is "not found".
 */
export function registerStaffCraRoutes(app: FastifyInstance, ctx: AppContext, page: Pick<ReportPageHelpers, 'auth' | 'visibleReport'>): void {
  async function show(
    req: FastifyRequest,
    reply: FastifyReply,
    report: Report,
    status: number,
    extra: { flash?: { kind: 'error' | 'success'; message: string }; form?: CraPageForm; earlyNoticeValues?: CraInforming['earlyNoticeValues'] } = {},
  ) {
    const program = await loadProgram(ctx.db, { id: report.program_id });
    if (!program) throw new NotFoundError('This program');
    const view = await loadCraView(ctx.db, ctx.vault, report, program);
    const notices = await listEarlyNotices(ctx, report.id);
    const informing: CraInforming = {
      earlyPublication: view.advisory?.state === 'draft' ? await earlyPublicationCheck(ctx.db, report.id, false) : undefined,
      twoPersonRule: await twoPersonRuleOn(ctx.db, report.program_id),
      canSendEarlyNotice: can.sendEarlyNotice(req.staff!, report.program_id),
      earlyNoticeClosed: earlyNoticeClosedReason(report.state, view.advisory?.state),
      audience: await earlyNoticeAudience(ctx.db, program),
      earlyNoticeValues: extra.earlyNoticeValues ?? prefillEarlyNotice(report, program.config),
      earlyNoticesSent: notices.flatMap((n) => (n.state === 'sent' && n.sentAt ? [{ sentAt: n.sentAt, recipients: n.recipients ?? 0 }] : [])),
      earlyNoticesWaiting: notices.filter((n) => n.state === 'awaiting-approval').length,
    };
    const done = (req.query as Record<string, string | undefined>).done;
    const flash = extra.flash ?? (namedMessage(DONE, done) ? { kind: 'success' as const, message: namedMessage(DONE, done)! } : undefined);
    const body = (
      <CraPage
        chrome={chrome(req, reply, program)}
        reference={report.reference}
        title={report.title}
        view={view}
        canDecide={canCra.decide(req.staff!, report)}
        canDraft={canCra.draft(req.staff!, report)}
        canPublish={can.publishAdvisory(req.staff!, report.program_id)}
        informing={informing}
        csrf={reply.generateCsrf()}
        flash={flash}
        form={extra.form}
      />
    );
    return sendHtml(reply, renderPage(body), status, { private: true });
  }

  /** A refused form comes back with what was typed and the field messages. */
  async function refused(req: FastifyRequest, reply: FastifyReply, report: Report, target: string, values: Record<string, string>, err: unknown, earlyNoticeValues?: CraInforming['earlyNoticeValues']) {
    const keep = earlyNoticeValues ? { earlyNoticeValues } : {};
    if (err instanceof ValidationError) return show(req, reply, report, 422, { flash: { kind: 'error', message: err.message }, form: { target, values, errors: err.fields }, ...keep });
    // 409: a refused state (already published, another request waiting for a second person).
    if (err instanceof AppError && (err.status === 403 || err.status === 409)) return show(req, reply, report, err.status, { flash: { kind: 'error', message: err.message }, ...keep });
    throw err;
  }

  async function zoneOf(report: Report): Promise<string> {
    return (await loadProgram(ctx.db, { id: report.program_id }))?.config.calendar.timeZone ?? 'UTC';
  }

  const base = (report: Report) => `/staff/reports/${report.reference}/cra`;
  const post = { preHandler: [page.auth, app.csrfProtection] };

  app.get<Params>('/staff/reports/:ref/cra', { preHandler: page.auth }, async (req, reply) => show(req, reply, await page.visibleReport(req, req.params.ref), 200));

  app.post<Params & Body>('/staff/reports/:ref/cra/mark', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const values = { kind: String(req.body?.kind ?? ''), awareAt: String(req.body?.awareAt ?? '') };
    try {
      const form = markSchema.safeParse(values);
      if (!form.success) throw new ValidationError({ kind: 'Choose what to mark it as.' }, 'Nothing was marked.');
      const awareAt = fromLocalInput(form.data.awareAt, await zoneOf(report));
      if (!awareAt) throw new ValidationError({ awareAt: 'Enter the date and time the team became aware.' }, 'Nothing was marked.');
      await markCraCase(ctx.db, { actor: req.staff!, reportId: report.id, kind: form.data.kind, awareAt });
    } catch (err) {
      return refused(req, reply, report, 'mark', values, err);
    }
    return reply.redirect(`${base(report)}?done=marked`, 303);
  });

  /** The case if it belongs to this report; otherwise "not found". */
  async function caseOf(report: Report, caseId: string) {
    if (!/^[0-9a-f-]{36}$/.test(caseId)) throw new NotFoundError('This CRA case');
    const c = await ctx.db.selectFrom('cra_cases').select(['id', 'kind', 'aware_at']).where('id', '=', caseId).where('report_id', '=', report.id).executeTakeFirst();
    if (!c) throw new NotFoundError('This CRA case');
    return c;
  }

  app.post<Params & Body>('/staff/reports/:ref/cra/:caseId/aware', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const c = await caseOf(report, req.params.caseId);
    const values = { awareAt: String(req.body?.awareAt ?? '') };
    try {
      const at = fromLocalInput(values.awareAt, await zoneOf(report));
      if (!at) throw new ValidationError({ awareAt: 'Enter a date and time.' }, 'Nothing was changed.');
      await correctAwareAt(ctx.db, { actor: req.staff!, caseId: c.id, awareAt: at });
    } catch (err) {
      return refused(req, reply, report, `aware:${c.id}`, values, err);
    }
    return reply.redirect(`${base(report)}?done=aware`, 303);
  });

  app.post<Params & Body>('/staff/reports/:ref/cra/:caseId/measure', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const c = await caseOf(report, req.params.caseId);
    const values = { measureAt: String(req.body?.measureAt ?? '') };
    try {
      const at = fromLocalInput(values.measureAt, await zoneOf(report));
      if (!at) throw new ValidationError({ measureAt: 'Enter a date and time.' }, 'Nothing was saved.');
      await setMeasureAvailable(ctx.db, { actor: req.staff!, caseId: c.id, at });
    } catch (err) {
      return refused(req, reply, report, `measure:${c.id}`, values, err);
    }
    return reply.redirect(`${base(report)}?done=measure`, 303);
  });

  app.post<Params & Body>('/staff/reports/:ref/cra/:caseId/submissions', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const c = await caseOf(report, req.params.caseId);
    const values = { step: String(req.body?.step ?? ''), submittedAt: String(req.body?.submittedAt ?? ''), channel: String(req.body?.channel ?? ''), reference: String(req.body?.reference ?? '') };
    const form = submissionSchema.safeParse(values);
    const target = `submit:${c.id}:${form.success ? form.data.step : 'early-warning'}`;
    try {
      if (!form.success) throw new ValidationError({ submittedAt: 'Choose the step and the channel.' }, 'The submission was not recorded.');
      const at = fromLocalInput(form.data.submittedAt, await zoneOf(report));
      if (!at) throw new ValidationError({ submittedAt: 'Enter the date and time of the submission.' }, 'The submission was not recorded.');
      await recordCraSubmission(ctx.db, { actor: req.staff!, caseId: c.id, step: form.data.step, submittedAt: at, channel: form.data.channel, reference: form.data.reference });
    } catch (err) {
      return refused(req, reply, report, target, values, err);
    }
    return reply.redirect(`${base(report)}?done=submission`, 303);
  });

  const stepOf = (s: string): CraStep => {
    if (!(CRA_STEPS as readonly string[]).includes(s)) throw new NotFoundError('This step');
    return s as CraStep;
  };

  app.post<Params & Body>('/staff/reports/:ref/cra/:caseId/drafts/:step', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const c = await caseOf(report, req.params.caseId);
    const step = stepOf(req.params.step);
    const values = Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
    try {
      await saveCraDraft(ctx.db, ctx.vault, { actor: req.staff!, caseId: c.id, step, input: values });
    } catch (err) {
      return refused(req, reply, report, `draft:${c.id}:${step}`, values, err);
    }
    return reply.redirect(`${base(report)}?done=draft#step-${c.id}-${step}`, 303);
  });

  app.get<{ Params: { ref: string; caseId: string; file: string } }>('/staff/reports/:ref/cra/:caseId/drafts/:file', { preHandler: page.auth }, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const m = /^(early-warning|notification|final-report)\.(json|md)$/.exec(req.params.file);
    if (!m) throw new NotFoundError('This export');
    const c = await caseOf(report, req.params.caseId);
    const step = m[1] as CraStep;
    const program = await loadProgram(ctx.db, { id: report.program_id });
    if (!program) throw new NotFoundError('This program');
    const view = await loadCraView(ctx.db, ctx.vault, report, program);
    const cv = view.cases.find((x) => x.id === c.id)!;
    const clock = cv.clocks.find((k) => k.step === step)!;
    const header: CraExportHeader = { reference: report.reference, program: program.config.name, kind: cv.kind, step, awareAt: cv.awareAt, dueAt: 'dueAt' in clock ? clock.dueAt : null, exportedAt: view.now };
    const values = cv.drafts[step].values;
    const json = m[2] === 'json';
    const filename = `${report.reference}-cra-${cv.kind === 'exploited-vulnerability' ? 'vuln' : 'incident'}-${step}.${json ? 'json' : 'md'}`;
    await auditReportRead(ctx, { kind: 'staff', id: req.staff!.userId }, report.id, 'report.exported', `cra-${step}.${m[2]}`);
    return reply
      .header('content-type', json ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .send(json ? craDraftJson(header, values) : craDraftMarkdown(header, values));
  });

  // Art. 14(8) from this screen: the advisory editor's publication and the early notice, through their own use cases.
  app.post<Params & Body>('/staff/reports/:ref/cra/publish-advisory', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const values = { confirm: String(req.body?.confirm ?? ''), publishEarly: String(req.body?.publishEarly ?? '') };
    try {
      await publishReportAdvisory({ db: ctx.db, vault: ctx.vault, baseUrl: ctx.config.baseUrl }, req.staff!, { reportId: report.id, confirm: values.confirm === 'yes', publishEarly: values.publishEarly === 'yes' });
    } catch (err) {
      if (err instanceof ApprovalPendingError) return reply.redirect(`${base(report)}?done=publish-pending`, 303);
      return refused(req, reply, report, 'publish', values, err);
    }
    return reply.redirect(`${base(report)}?done=published`, 303);
  });

  app.post<Params & Body>('/staff/reports/:ref/cra/early-notice', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const values = typedEarlyNoticeForm(req.body);
    try {
      await sendEarlyNoticeFromForm(ctx, req.staff!, { reportId: report.id, programId: report.program_id, form: values });
    } catch (err) {
      if (err instanceof ApprovalPendingError) return reply.redirect(`${base(report)}?done=early-notice-pending`, 303);
      return refused(req, reply, report, 'early-notice', {}, err, values);
    }
    return reply.redirect(`${base(report)}?done=early-notice`, 303);
  });

  app.post<Params & Body>('/staff/reports/:ref/cra/inform-users', post, async (req, reply) => {
    const report = await page.visibleReport(req, req.params.ref);
    const values = { informedAt: String(req.body?.informedAt ?? ''), how: String(req.body?.how ?? '') };
    try {
      const at = fromLocalInput(values.informedAt, await zoneOf(report));
      if (!at) throw new ValidationError({ informedAt: 'Enter a date and time.' }, 'Nothing was recorded.');
      await recordUsersInformed(ctx.db, ctx.vault, { actor: req.staff!, reportId: report.id, at, how: values.how });
    } catch (err) {
      return refused(req, reply, report, 'inform', values, err);
    }
    return reply.redirect(`${base(report)}?done=informed`, 303);
  });
}


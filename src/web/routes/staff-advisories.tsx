import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentToForm, parseAdvisoryForm, toAdvisory } from '../../advisories/advisory-content.ts';
import { renderCveRequest } from '../../advisories/render-cve.ts';
import {
  advisoryPublisher,
  discardDraft,
  draftAdvisoryFromReport,
  listStaffAdvisories,
  loadStaffAdvisory,
  publishAdvisory,
  saveDraft,
  type StaffAdvisory,
} from '../../advisories/advisory-store.ts';
import { can, visiblePrograms } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram, type Program } from '../../programs/programs.ts';
import { requireReadable } from '../../reports/restricted-access.ts';
import { findReportByReference } from '../../reports/read-report.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { AdvisoryEditorPage, StaffAdvisoryListPage } from '../views/staff-advisory-pages.tsx';
import { earlyPublicationCheck, loadDisclosure } from '../../disclosure/load-disclosure.ts';
import { namedMessage } from '../named-message.ts';

type Flash = { kind: 'error' | 'success'; message: string };

const DONE: Record<string, string> = {
  created: 'Draft started from the report. Write the summary, check the products and credits, then save.',
  saved: 'Draft saved.',
  published: 'Published. The advisory is public, in the feeds and in CSAF.',
  revised: 'Revision published.',
};

/**
 * The team's advisory pages: list, editor (save, preview, publish), discard,
 * and "Draft an advisory" on a report. Each route: session, CSRF on posts,
 * may see the program ("not found" otherwise), may edit / publish, use case.
 */
export function registerStaffAdvisoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function visibleAdvisory(req: FastifyRequest, id: string): Promise<{ advisory: StaffAdvisory; program: Program }> {
    const advisory = await loadStaffAdvisory(ctx.db, ctx.vault, id);
    if (!advisory || !can.viewInbox(req.staff!, advisory.programId)) throw new NotFoundError('This advisory');
    // A draft holds the embargoed details of its report: a restricted report's draft is for the staff named on it.
    if (advisory.state === 'draft' && advisory.reportId) {
      const report = await ctx.db.selectFrom('reports').select(['program_id', 'reference', 'restricted_to']).where('id', '=', advisory.reportId).executeTakeFirst();
      if (report) requireReadable(req.staff!, report);
    }
    const program = await loadProgram(ctx.db, { id: advisory.programId });
    if (!program) throw new NotFoundError('This advisory');
    return { advisory, program };
  }

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    found: { advisory: StaffAdvisory; program: Program },
    status: number,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; preview?: boolean; flash?: Flash } = {},
  ) {
    const { advisory, program } = found;
    const values = extra.values ?? contentToForm(advisory.content);
    let preview;
    if (extra.preview) {
      const parsed = parseAdvisoryForm(values, program.config.products, { publishing: false });
      if (parsed.ok) {
        // A draft's number is given at publication; the preview shows where it will go.
        preview = toAdvisory({ publicId: advisory.publicId ?? `${program.config.referencePrefix}-SA-${new Date().getUTCFullYear()}-(number at publication)`, content: parsed.content, publisher: advisoryPublisher(program, ctx.config.baseUrl), revisions: advisory.revisions, draftDate: new Date().toISOString() });
      }
    }
    const done = (req.query as Record<string, string | undefined>).done;
    const page = (
      <AdvisoryEditorPage
        chrome={chrome(req, reply, program)}
        advisory={advisory}
        products={program.config.products}
        values={values}
        errors={extra.errors ?? {}}
        preview={preview}
        canEdit={can.editAdvisory(req.staff!, program.id)}
        canPublish={can.publishAdvisory(req.staff!, program.id)}
        flash={extra.flash ?? (namedMessage(DONE, done) ? { kind: 'success', message: namedMessage(DONE, done)! } : undefined)}
        csrf={reply.generateCsrf()}
        disclosure={advisory.reportId ? await loadDisclosure(ctx.db, advisory.reportId) : undefined}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get('/staff/advisories', { preHandler: auth }, async (req, reply) => {
    const rows = await listStaffAdvisories(ctx.db, visiblePrograms(req.staff!));
    const program = await staffProgram(ctx, req);
    return sendHtml(reply, renderPage(<StaffAdvisoryListPage chrome={chrome(req, reply, program)} rows={rows} />), 200, { private: true });
  });

  app.get<{ Params: { id: string } }>('/staff/advisories/:id', { preHandler: auth }, async (req, reply) => render(req, reply, await visibleAdvisory(req, req.params.id), 200));

  // A filled-in CVE request (src/advisories/render-cve.ts) for a vendor that is not a CNA: the
  // CNA container as JSON and the same as text, from the saved content (drafts included, since
  // the id is best asked for before publication). Staff of the program only; never cached.
  app.get<{ Params: { id: string; format: string } }>('/staff/advisories/:id/cve-request.:format', { preHandler: auth }, async (req, reply) => {
    if (req.params.format !== 'json' && req.params.format !== 'txt') throw new NotFoundError('This file');
    const { advisory, program } = await visibleAdvisory(req, req.params.id);
    const publicId = advisory.publicId ?? `${program.config.referencePrefix}-SA-${new Date().getUTCFullYear()}-pending`;
    const a = toAdvisory({ publicId, content: advisory.content, publisher: advisoryPublisher(program, ctx.config.baseUrl), revisions: advisory.revisions, draftDate: new Date().toISOString() });
    const request = renderCveRequest(a, { published: advisory.state === 'published' });
    reply.header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="cve-request-${publicId.toLowerCase()}.${req.params.format}"`);
    if (req.params.format === 'txt') return reply.type('text/plain; charset=utf-8').send(request.text);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ cnaContainer: request.container }, null, 2));
  });

  app.post<{ Params: { id: string } }>('/staff/advisories/:id', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const found = await visibleAdvisory(req, req.params.id);
    const { advisory, program } = found;
    if (!can.editAdvisory(req.staff!, program.id)) throw new ForbiddenError('Your role can read advisories but not change them.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
    const intent = values.intent;
    if (intent === 'preview') return render(req, reply, found, 200, { values, preview: true });

    const publishing = intent === 'publish';
    if (publishing && !can.publishAdvisory(req.staff!, program.id)) throw new ForbiddenError('Only a lead or admin of the program publishes advisories.');
    if (!publishing && advisory.state === 'published') {
      return render(req, reply, found, 409, { values, flash: { kind: 'error', message: 'This advisory is published: changes go out as a revision.' } });
    }
    const parsed = parseAdvisoryForm(values, program.config.products, { publishing });
    const errors = parsed.ok ? {} : { ...parsed.errors };
    if (publishing && values.confirm !== 'yes') errors.confirm = 'Confirm that the disclosure is agreed and the text may be public.';
    // Never before the agreed disclosure date without saying so (src/disclosure/); revisions are already public.
    const early = publishing && advisory.state === 'draft' ? await earlyPublicationCheck(ctx.db, advisory.reportId, values.publishEarly === 'yes') : undefined;
    if (early) errors.publishEarly = early;
    if (!parsed.ok || Object.keys(errors).length > 0) {
      return render(req, reply, found, 422, { values, errors, flash: { kind: 'error', message: publishing ? 'Not published: some fields need your attention.' : 'Not saved: some fields need your attention.' } });
    }
    try {
      if (publishing) {
        await publishAdvisory(ctx.db, ctx.vault, { id: advisory.id, actorId: req.staff!.userId, content: parsed.content, revisionSummary: values.revisionSummary ?? '', baseUrl: ctx.config.baseUrl });
      } else {
        await saveDraft(ctx.db, ctx.vault, { id: advisory.id, content: parsed.content });
      }
    } catch (err) {
      if (err instanceof ValidationError) return render(req, reply, found, 422, { values, errors: err.fields, flash: { kind: 'error', message: err.message } });
      if (err instanceof AppError && err.status === 409) return render(req, reply, found, 409, { values, flash: { kind: 'error', message: err.message } });
      throw err;
    }
    const done = publishing ? (advisory.state === 'published' ? 'revised' : 'published') : 'saved';
    return reply.redirect(`/staff/advisories/${advisory.id}?done=${done}`, 303);
  });

  app.post<{ Params: { id: string } }>('/staff/advisories/:id/discard', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const found = await visibleAdvisory(req, req.params.id);
    if (!can.editAdvisory(req.staff!, found.program.id)) throw new ForbiddenError('Your role can read advisories but not change them.');
    try {
      await discardDraft(ctx.db, found.advisory.id);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return render(req, reply, found, 409, { flash: { kind: 'error', message: err.message } });
      throw err;
    }
    return reply.redirect('/staff/advisories', 303);
  });

  app.post<{ Params: { ref: string } }>('/staff/reports/:ref/advisory', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const report = requireReadable(req.staff!, await findReportByReference(ctx.db, ctx.vault, req.params.ref));
    if (!can.editAdvisory(req.staff!, report.program_id)) throw new ForbiddenError('Your role can read this report but not draft its advisory.');
    const { id, created } = await draftAdvisoryFromReport(ctx.db, ctx.vault, { reportReference: report.reference, actorId: req.staff!.userId });
    return reply.redirect(`/staff/advisories/${id}${created ? '?done=created' : ''}`, 303);
  });
}

import { findCannedResponse, listCannedResponses } from '../canned/canned-responses.ts';
import { fillForReport } from '../canned/fill-for-report.ts';
import type { Db } from '../db/database.ts';
import type { AiAssistance, ClosureReason, Report } from '../db/schema.ts';
import { nextStates } from '../domain/lifecycle.ts';
import type { Program } from '../programs/programs.ts';
import { describeSpamSignal } from './spam-signals.ts';

/** What the report page shows for canned responses, closing and the quarantine. */
export interface ReportExtrasView {
  templates: { id: string; title: string; closureReason: ClosureReason | null }[];
  /** The template chosen with "Use", filled for this report, for the composer. */
  draft?: { body: string; visibility: 'reporter' };
  /** The picked template's id, to keep it selected. */
  pickedTemplate?: string;
  /** Set while the report waits in the quarantine, with the signals that put it there. */
  quarantine: { reasons: string[] } | null;
  aiAssistance: AiAssistance | null;
  canCloseNotApplicable: boolean;
  canCloseSpam: boolean;
  /** The submitting IP is known (web form), so closing as spam may also block it. */
  ipKnown: boolean;
}

/** Reads the extras; `query.template` fills the chosen template server-side (the no-JavaScript "Use" button). */
export async function loadReportExtras(db: Db, report: Report, program: Program, baseUrl: string, query: Record<string, unknown>): Promise<ReportExtrasView> {
  const templates = await listCannedResponses(db, program.id);
  const picked = typeof query.template === 'string' && query.template ? await findCannedResponse(db, program.id, query.template) : undefined;
  return {
    templates: templates.map((t) => ({ id: t.id, title: t.title, closureReason: t.closureReason })),
    ...(picked ? { draft: { body: fillForReport(picked.body, report, program, baseUrl), visibility: 'reporter' as const }, pickedTemplate: picked.id } : {}),
    quarantine: report.quarantined ? { reasons: report.quarantine_reasons.map(describeSpamSignal) } : null,
    aiAssistance: report.ai_assistance,
    canCloseNotApplicable: nextStates(report.state).includes('not-applicable'),
    canCloseSpam: nextStates(report.state).includes('spam'),
    ipKnown: report.submitter_ip_hash !== null,
  };
}

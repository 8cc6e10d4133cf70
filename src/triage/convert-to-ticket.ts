import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Report } from '../db/schema.ts';
import { VULNERABILITY_TYPES } from '../domain/report-input.ts';
import type { Program } from '../programs/programs.ts';
import { listAttachments, loadTimeline } from '../reports/read-report.ts';
import { closeAsNotApplicable } from './close-report.ts';
import { ticketMarkdown } from './export-markdown.ts';

/** Told to the reporter with the "informative" sentence, so they know where their report went. */
const TOLD_REPORTER = 'We have passed it on to the product team as a regular (non-security) issue.';

/**
 * "Not security, but worth fixing": closes the report as not applicable with
 * the reason 'informative' (the reporter is told, like any closing). The ticket
 * itself is built on demand by `buildTicket`, so it can be downloaded again later.
 */
export async function convertToTicket(db: Db, vault: ReportVault, args: { reportId: string; actorId: string }): Promise<void> {
  await closeAsNotApplicable(db, vault, { reportId: args.reportId, actorId: args.actorId, reason: 'informative', note: TOLD_REPORTER });
}

/** The report (opened by the caller through read-report.ts) and its reporter-visible thread, as Markdown. */
export async function buildTicket(db: Db, vault: ReportVault, report: Report, program: Program): Promise<string> {
  const attachments = await listAttachments(db, vault, report.id);
  const timeline = await loadTimeline(db, vault, report.id, 'reporter', attachments);
  const reportedBy =
    report.credit_preference === 'name' ? report.reporter_name : report.credit_preference === 'handle' ? report.reporter_handle : null;
  return ticketMarkdown({
    reference: report.reference,
    title: report.title,
    product: program.config.products.find((p) => p.id === report.product)?.name ?? report.product,
    productVersion: report.product_version,
    vulnerabilityType: VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type)?.[1] ?? report.vulnerability_type,
    receivedAt: report.created_at,
    description: report.description,
    stepsToReproduce: report.steps_to_reproduce,
    impact: report.impact,
    reportedBy,
    thread: timeline.flatMap((e) => (e.kind === 'message' ? [{ at: e.at, from: e.authorKind === 'reporter' ? ('reporter' as const) : ('team' as const), body: e.body }] : [])),
  });
}

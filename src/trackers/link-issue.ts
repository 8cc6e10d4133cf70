import { appendAudit } from '../audit/append-audit.ts';
import { can, type StaffActor } from '../auth/policies.ts';
import type { AppContext } from '../context.ts';
import type { Report } from '../db/schema.ts';
import type { TrackerKind } from '../db/tracker-tables.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { listTrackers, parseLabels, trackerSettings, TRACKER_KINDS } from './manage-trackers.ts';
import { trackerClient } from './tracker-clients.ts';

/** How long a linked issue's state is trusted before the report page reads it again. */
export const STATE_CACHE_SECONDS = 300;

export interface IssueInput {
  trackerId: string;
  title: string;
  summary: string;
  labels: string;
  includeFullReport: boolean;
}

/** What the form starts with: a neutral title and summary (no report contents), the tracker's labels. */
export function defaultIssueInput(report: Report, baseUrl: string, tracker?: { id: string; labels: string[] }): IssueInput {
  const lines = [`Security report ${report.reference} in Embargo: ${baseUrl}/staff/reports/${report.reference}`];
  if (report.product) lines.push(`Product: ${report.product}${report.product_version ? ` ${report.product_version}` : ''}`);
  if (report.severity) lines.push(`Severity: ${report.severity}`);
  return { trackerId: tracker?.id ?? '', title: `Security report ${report.reference}`, summary: lines.join('\n'), labels: (tracker?.labels ?? []).join(', '), includeFullReport: false };
}

/**
 * Files an issue about `report` in one of its program's trackers with the
 * fields the triager chose (the full report only where the tracker allows it
 * and the triager ticked it), then links it. Whoever may change the report.
 */
export async function createLinkedIssue(ctx: AppContext, args: { actor: StaffActor; report: Report; input: IssueInput }): Promise<{ url: string; externalId: string }> {
  const { actor, report, input } = args;
  if (!can.editReport(actor, report)) throw new ForbiddenError('Your role can read this report but not change it.');
  const tracker = await trackerSettings(ctx.db, ctx.secret, input.trackerId);
  if (!tracker || tracker.programId !== report.program_id) throw new NotFoundError('This issue tracker');
  const problems: Record<string, string> = {};
  const title = input.title.trim();
  if (!title || title.length > 250) problems.title = 'Give a title of at most 250 characters.';
  if (input.summary.length > 20000) problems.summary = 'At most 20,000 characters.';
  if (input.includeFullReport && !tracker.allowFullReport) problems.includeFullReport = 'This tracker is set not to receive full reports.';
  const already = await ctx.db.selectFrom('report_issue_links').select('url').where('report_id', '=', report.id).where('tracker_id', '=', tracker.id).executeTakeFirst();
  if (already) problems.trackerId = `This report already has an issue there: ${already.url}`;
  if (Object.keys(problems).length > 0) throw new ValidationError(problems, 'The issue was not created.');
  let body = input.summary.trim();
  if (input.includeFullReport) {
    body += `\n\n## Description\n\n${report.description}\n\n## Steps to reproduce\n\n${report.steps_to_reproduce}\n\n## Impact\n\n${report.impact}`;
  }
  let created;
  try {
    created = await trackerClient(tracker, ctx.config.integrationsAllowPrivate).create({ title, body, labels: parseLabels(input.labels) });
  } catch (err) {
    ctx.logger.warn({ reportId: report.id, trackerId: tracker.id, kind: tracker.kind, err: (err as Error).message }, 'issue tracker refused the new issue');
    throw new AppError('tracker_failed', 502, `${TRACKER_KINDS[tracker.kind]} did not create the issue: ${(err as Error).message}. Nothing was linked; try again or check the tracker's settings.`);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('report_issue_links').values({ report_id: report.id, tracker_id: tracker.id, external_id: created.externalId, url: created.url, state: created.state.slice(0, 100), created_by: actor.userId }).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: actor.userId }, action: 'report.issue-linked', reportId: report.id, target: tracker.id, details: { kind: tracker.kind, externalId: created.externalId, fullReport: input.includeFullReport } });
  });
  return { url: created.url, externalId: created.externalId };
}

export interface LinkedIssueView {
  kind: TrackerKind;
  externalId: string;
  url: string;
  state: string;
  checkedAt: Date;
  /** The last reading failed; `state` is the one before. */
  stale: boolean;
}

export interface TrackerPanelView {
  links: LinkedIssueView[];
  /** Trackers of the program without an issue for this report yet. */
  trackers: { id: string; label: string; labels: string[]; allowFullReport: boolean }[];
  canCreate: boolean;
  form: { values: IssueInput; errors: Record<string, string> };
}

/**
 * The report page's issue tracker panel: its linked issues, their states
 * read again when older than STATE_CACHE_SECONDS (a failure keeps the last
 * known state, marked as such), and the trackers it can still file in.
 */
export async function loadTrackerPanel(ctx: AppContext, actor: StaffActor, report: Report, form?: TrackerPanelView['form']): Promise<TrackerPanelView | undefined> {
  const trackers = await listTrackers(ctx.db, [report.program_id]);
  if (trackers.length === 0) return undefined;
  const rows = await ctx.db.selectFrom('report_issue_links as l').innerJoin('issue_trackers as t', 't.id', 'l.tracker_id').select(['l.id', 'l.tracker_id', 't.kind', 'l.external_id', 'l.url', 'l.state', 'l.state_checked_at']).where('l.report_id', '=', report.id).orderBy('l.created_at').execute();
  const links: LinkedIssueView[] = [];
  for (const r of rows) {
    let state = r.state;
    let checkedAt = r.state_checked_at;
    let stale = false;
    if (Date.now() - checkedAt.getTime() > STATE_CACHE_SECONDS * 1000) {
      try {
        const settings = await trackerSettings(ctx.db, ctx.secret, r.tracker_id);
        state = (await trackerClient(settings!, ctx.config.integrationsAllowPrivate).state(r.external_id)).slice(0, 100);
        checkedAt = new Date();
        await ctx.db.updateTable('report_issue_links').set({ state, state_checked_at: checkedAt }).where('id', '=', r.id).execute();
      } catch (err) {
        stale = true;
        ctx.logger.warn({ reportId: report.id, trackerId: r.tracker_id, err: (err as Error).message }, 'issue state not read; showing the last known');
      }
    }
    links.push({ kind: r.kind, externalId: r.external_id, url: r.url, state, checkedAt, stale });
  }
  const linked = new Set(rows.map((r) => r.tracker_id));
  const open = trackers.filter((t) => !linked.has(t.id)).map((t) => ({ id: t.id, label: `${TRACKER_KINDS[t.kind]} ${t.project}`, labels: t.labels, allowFullReport: t.allowFullReport }));
  return { links, trackers: open, canCreate: can.editReport(actor, report), form: form ?? { values: defaultIssueInput(report, ctx.config.baseUrl, open[0]), errors: {} } };
}

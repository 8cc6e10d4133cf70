import { appendAudit } from '../audit/append-audit.ts';
import type { StaffActor } from '../auth/policies.ts';
import type { Db } from '../db/database.ts';
import type { TrackerKind } from '../db/tracker-tables.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { seal, unseal } from '../mail/seal.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { targetProblem } from '../webhooks/outbound-target.ts';
import { canManageIntegrations } from '../webhooks/webhook-policy.ts';
import type { TrackerSettings } from './tracker-clients.ts';

const TOKEN_PURPOSE = 'tracker-token';
export const TRACKER_KINDS: Record<TrackerKind, string> = { github: 'GitHub', gitlab: 'GitLab', jira: 'Jira' };
const DEFAULT_BASE: Record<TrackerKind, string> = { github: 'https://api.github.com', gitlab: 'https://gitlab.com', jira: '' };

/** What the admin typed, as strings (re-rendered as is when refused). */
export interface TrackerInput {
  programId: string;
  kind: string;
  baseUrl: string;
  project: string;
  account: string;
  token: string;
  labels: string;
  issueType: string;
  allowFullReport: boolean;
}

export function parseLabels(raw: string): string[] {
  return [...new Set(raw.split(',').map((l) => l.trim()).filter(Boolean))].slice(0, 20);
}

/** Adds an issue tracker to a program: its admins only; the token is stored sealed and never shown again. */
export async function createTracker(db: Db, secret: InstanceSecret, args: { actor: StaffActor; input: TrackerInput; allowPrivate: boolean }): Promise<string> {
  const { actor, input } = args;
  if (!canManageIntegrations(actor, input.programId)) throw new ForbiddenError('Only the program’s administrators configure its issue trackers.');
  const problems: Record<string, string> = {};
  const kind = input.kind as TrackerKind;
  if (!Object.hasOwn(TRACKER_KINDS, kind)) problems.kind = 'Choose GitHub, GitLab or Jira.';
  const baseUrl = (input.baseUrl.trim() || DEFAULT_BASE[kind] || '').replace(/\/+$/, '');
  const urlProblem = !baseUrl ? 'Give the address of your Jira site, e.g. https://example.atlassian.net.' : baseUrl.length > 500 ? 'At most 500 characters.' : await targetProblem(baseUrl, args.allowPrivate);
  if (urlProblem) problems.baseUrl = urlProblem;
  const project = input.project.trim();
  if (kind === 'github' && !/^[\w.-]+\/[\w.-]+$/.test(project)) problems.project = 'For GitHub: owner/repository.';
  else if (kind === 'jira' && !/^[A-Z][A-Z0-9_]{0,49}$/.test(project)) problems.project = 'For Jira: the project key, e.g. SEC.';
  else if (!project || project.length > 200) problems.project = 'For GitLab: the project’s id or path, e.g. group/project.';
  if (!input.token.trim() || input.token.length > 2000) problems.token = 'Paste an API token with the right to create issues.';
  if (input.account.length > 200) problems.account = 'At most 200 characters.';
  if (input.issueType.length > 100) problems.issueType = 'At most 100 characters.';
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('issue_trackers')
      .values({
        program_id: input.programId,
        kind,
        base_url: baseUrl,
        project,
        account: kind === 'jira' ? input.account.trim() : '',
        token_sealed: Buffer.alloc(0),
        labels: parseLabels(input.labels),
        issue_type: input.issueType.trim() || 'Bug',
        allow_full_report: input.allowFullReport,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('issue_trackers').set({ token_sealed: seal(secret, TOKEN_PURPOSE, row.id, Buffer.from(input.token.trim())) }).where('id', '=', row.id).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: actor.userId }, action: 'issue-tracker.created', target: row.id, details: { programId: input.programId, kind, allowFullReport: input.allowFullReport } });
    return row.id;
  });
}

/** Removes a tracker and the links to its issues (the issues stay in the tracker). */
export async function deleteTracker(db: Db, args: { actor: StaffActor; trackerId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('issue_trackers').select(['id', 'program_id']).where('id', '=', args.trackerId).forUpdate().executeTakeFirst();
    if (!row || !canManageIntegrations(args.actor, row.program_id)) throw new NotFoundError('This issue tracker');
    await trx.deleteFrom('issue_trackers').where('id', '=', row.id).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: args.actor.userId }, action: 'issue-tracker.deleted', target: row.id, details: { programId: row.program_id } });
  });
}

export interface TrackerView {
  id: string;
  programId: string;
  kind: TrackerKind;
  baseUrl: string;
  project: string;
  labels: string[];
  issueType: string;
  allowFullReport: boolean;
}

/** The trackers of the given programs (never their tokens). */
export async function listTrackers(db: Db, programIds: readonly string[]): Promise<TrackerView[]> {
  if (programIds.length === 0) return [];
  const rows = await db.selectFrom('issue_trackers').select(['id', 'program_id', 'kind', 'base_url', 'project', 'labels', 'issue_type', 'allow_full_report']).where('program_id', 'in', programIds).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, programId: r.program_id, kind: r.kind, baseUrl: r.base_url, project: r.project, labels: r.labels, issueType: r.issue_type, allowFullReport: r.allow_full_report }));
}

/** A tracker's settings with its token opened, for a call to its API. */
export async function trackerSettings(db: Db, secret: InstanceSecret, trackerId: string): Promise<(TrackerSettings & { id: string; programId: string; labels: string[]; allowFullReport: boolean }) | undefined> {
  const r = await db.selectFrom('issue_trackers').selectAll().where('id', '=', trackerId).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    programId: r.program_id,
    kind: r.kind,
    baseUrl: r.base_url,
    project: r.project,
    account: r.account,
    token: unseal(secret, TOKEN_PURPOSE, r.id, r.token_sealed).toString('utf8'),
    issueType: r.issue_type,
    labels: r.labels,
    allowFullReport: r.allow_full_report,
  };
}

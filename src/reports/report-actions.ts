import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database, Report } from '../db/schema.ts';
import { RESOLVED_STATES, checkTransition, isReporterVisibleState, isResumableState, type ReportState } from '../domain/lifecycle.ts';
import { InvalidTransitionError, NotFoundError, ValidationError } from '../errors.ts';
import { assertAcceptable } from './acceptance-guard.ts';
import { assertDisclosable } from './disclosure-guard.ts';
import { storeAttachments, type UploadedFile } from './attachments.ts';
import type { EventData } from './event-text.ts';
import { recordEvent, type EventActor, type EventTextInput } from './record-event.ts';
import { PLAIN_REPORT_COLUMNS, openReport, reportKey, sealMessageBody, type PlainReport } from './report-contents.ts';
import { requireSecondPerson, type Approval } from '../approvals/second-person.ts';

/** Re-reads the report under a row lock so concurrent changes apply one after the other; returns it opened. */
export async function lockReport(trx: Transaction<Database>, vault: ReportVault, reportId: string): Promise<Report> {
  const row = await trx.selectFrom('reports').selectAll().where('id', '=', reportId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError('This report');
  return openReport(vault, row);
}

/**
 * Locks the report for a state-only change: the plain columns, no contents
 * opened (most actions never look at what the report says).
 */
export async function lockReportState(trx: Transaction<Database>, reportId: string): Promise<PlainReport> {
  const row = await trx
    .selectFrom('reports')
    .select(PLAIN_REPORT_COLUMNS)
    .where('id', '=', reportId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('This report');
  return row;
}

/**
 * Adds a message to a report's thread, its body sealed with the report's key.
 * The id is made here so the body is bound to it before the row exists.
 */
export async function insertMessage(
  trx: Transaction<Database>,
  vault: ReportVault,
  args: { reportId: string; authorId: string | null; visibility: 'reporter' | 'internal'; body: string },
): Promise<{ id: string; createdAt: Date; key: ReturnType<typeof reportKey> }> {
  const keyRow = await trx.selectFrom('reports').select(['id', 'data_key']).where('id', '=', args.reportId).executeTakeFirstOrThrow();
  const key = reportKey(vault, keyRow);
  const id = randomUUID();
  const row = await trx
    .insertInto('report_messages')
    .values({
      id,
      report_id: args.reportId,
      author_kind: args.authorId ? 'staff' : 'reporter',
      author_id: args.authorId,
      visibility: args.visibility,
      body_sealed: sealMessageBody(vault, key, id, args.body),
    })
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return { id, createdAt: row.created_at, key };
}

/** Checks and applies one lifecycle move on a locked report, with its event; for use cases that move state as part of a larger change. */
export async function applyTransition(
  trx: Transaction<Database>,
  report: Pick<Report, 'id' | 'state' | 'resolved_at'>,
  to: ReportState,
  actor: EventActor,
  /** Why, in words the reporter may read (sealed with the report's key); undefined for none. */
  reason: EventTextInput | undefined,
  /** More for the event (e.g. the advisory a disclosure published), merged into its data. */
  extra: EventData = {},
  /** `discloseEarly`: the actor's explicit decision to disclose before the agreed disclosure date (src/reports/disclosure-guard.ts). */
  decisions: { discloseEarly?: boolean } = {},
): Promise<void> {
  const check = checkTransition(report.state, to);
  if (!check.ok) throw new InvalidTransitionError(check.reason);
  await assertAcceptable(trx, report, to);
  await assertDisclosable(trx, report, to, decisions.discloseEarly === true);
  // The timeline keeps the decision with the move it allowed.
  if (to === 'disclosed' && decisions.discloseEarly) extra = { ...extra, discloseEarly: true };
  const resume = to === 'needs-info' && isResumableState(report.state) ? report.state : null;
  // needs-info is a pause, not a reopening: it keeps the resolution date.
  const resolvedAt = RESOLVED_STATES.includes(to) ? (report.resolved_at ?? new Date()) : to === 'needs-info' ? report.resolved_at : null;
  await trx.updateTable('reports').set({ state: to, resume_state: resume, resolved_at: resolvedAt }).where('id', '=', report.id).execute();
  await recordEvent(trx, {
    reportId: report.id,
    actor,
    type: 'state-changed',
    data: { ...extra, from: report.state, to },
    ...(reason ? { text: reason } : {}),
    reporterVisible: isReporterVisibleState(to),
  });
}

/**
 * Moves a report through the lifecycle; an illegal move is an InvalidTransitionError. `discloseEarly`:
 * the actor's explicit decision to disclose before the agreed disclosure date (otherwise refused).
 */
export async function changeState(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; to: ReportState; actorId: string; reason?: string; approval?: Approval; discloseEarly?: boolean },
): Promise<void> {
  const reason = args.reason?.trim();
  // Closing as not applicable or spam by a plain state change (bulk action, API) obeys the two-person rule too.
  if (args.to === 'not-applicable' || args.to === 'spam') await requireSecondPerson(db, vault, { reportId: args.reportId, action: args.to === 'spam' ? 'close-spam' : 'close-not-applicable', actorId: args.actorId, ...(reason ? { note: reason } : {}), ...(args.approval ? { approval: args.approval } : {}) });
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    await applyTransition(trx, report, args.to, { kind: 'staff', id: args.actorId }, reason ? { vault, reason } : undefined, {}, { discloseEarly: args.discloseEarly === true });
  });
}

/** Sets or clears the assignee; only staff who can work on the program qualify. */
export async function assignReport(db: Db, args: { reportId: string; assigneeId: string | null; actorId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    if (report.assignee_id === args.assigneeId) return;
    if (args.assigneeId) {
      const member = await trx
        .selectFrom('memberships as m')
        .innerJoin('staff_users as u', 'u.id', 'm.user_id')
        .select(['m.role'])
        .where('m.user_id', '=', args.assigneeId)
        .where('m.program_id', '=', report.program_id)
        .where('m.role', 'in', ['admin', 'lead', 'triager'])
        .where('u.disabled_at', 'is', null)
        .executeTakeFirst();
      if (!member) throw new ValidationError({ assignee: 'This person cannot be assigned reports of this program.' });
    }
    await trx.updateTable('reports').set({ assignee_id: args.assigneeId }).where('id', '=', report.id).execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'assigned',
      data: { from: report.assignee_id, to: args.assigneeId },
      reporterVisible: false,
    });
  });
}

/** Who sees a staff message: only an explicit "reporter" mails the reporter; anything else (missing, mistyped) is an internal note. */
export function messageVisibility(choice: unknown): 'reporter' | 'internal' {
  return choice === 'reporter' ? 'reporter' : 'internal';
}

/** A staff reply (shown to the reporter, who is notified) or an internal note (never shown). */
export async function postStaffMessage(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; actorId: string; visibility: 'reporter' | 'internal'; body: string; files: readonly UploadedFile[] },
): Promise<{ id: string; createdAt: Date }> {
  // Untyped callers (JSON, forms) cannot turn a slip into mail to the reporter.
  args = { ...args, visibility: messageVisibility(args.visibility) };
  return db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const message = await insertMessage(trx, vault, { reportId: report.id, authorId: args.actorId, visibility: args.visibility, body: args.body });
    await storeAttachments(trx, vault, message.key, report.id, message.id, args.files);
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: args.visibility === 'reporter' ? 'staff-replied' : 'note-added',
      data: { messageId: message.id, attachments: args.files.length },
      reporterVisible: args.visibility === 'reporter',
    });
    return { id: message.id, createdAt: message.createdAt };
  });
}

/** The reporter's reply from the tracking page; it resumes a report that was waiting on them. */
export async function postReporterReply(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; body: string; files: readonly UploadedFile[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const message = await insertMessage(trx, vault, { reportId: report.id, authorId: null, visibility: 'reporter', body: args.body });
    await storeAttachments(trx, vault, message.key, report.id, message.id, args.files);
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'reporter' },
      type: 'reporter-replied',
      data: { messageId: message.id, attachments: args.files.length },
      reporterVisible: true,
      notifyTeam: true,
    });
    if (report.state === 'needs-info') {
      await applyTransition(trx, report, report.resume_state ?? 'new', { kind: 'system' }, { vault, reason: 'The reporter answered.' });
    }
  });
}

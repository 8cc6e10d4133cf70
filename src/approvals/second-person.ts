import { createHash, randomUUID } from 'node:crypto';
import { can, type StaffActor } from '../auth/policies.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { canonicalJson } from '../audit/audit-chain.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { ApprovalAction } from '../db/audit-tables.ts';
import type { Db } from '../db/database.ts';
import { AppError, ForbiddenError, NotFoundError } from '../errors.ts';
import { recordEvent } from '../reports/record-event.ts';
import { reportKey } from '../reports/report-contents.ts';

/**
 * The two-person rule, as the use cases see it: one call at the top of
 * closeAsNotApplicable, closeAsSpam, changeState (to those states) and
 * publishAdvisory. When the program has the rule and the call carries no
 * approval, the request is recorded (timeline, audit log) and the use case
 * stops with ApprovalPendingError; an approval from another lead or admin
 * (src/approvals/decide-approval.ts) runs the same use case again, with it.
 */

/** The action waits for a second person: web, bulk and API all answer with this (409, code approval_pending). */
export class ApprovalPendingError extends AppError {
  constructor(
    readonly requestId: string,
    what: string,
  ) {
    super('approval_pending', 409, `${what} needs a second person's approval under this program's two-person rule: the request is recorded, and another lead or admin approves or declines it (Approvals page).`);
  }
}

/** An approval being carried out: the request, and who approved it. */
export interface Approval {
  requestId: string;
  approver: StaffActor;
}

export const ACTION_WORDS: Record<ApprovalAction, string> = {
  'close-not-applicable': 'Closing a report as not applicable',
  'close-spam': 'Closing a report as spam',
  'publish-advisory': 'Publishing an advisory',
  'send-early-notice': 'Sending an early customer notice',
};

/** Whether the program requires a second person. */
export async function twoPersonRuleOn(db: Db, programId: string): Promise<boolean> {
  const row = await db.selectFrom('programs').select('two_person_rule').where('id', '=', programId).executeTakeFirst();
  return row?.two_person_rule === true;
}

/** A hash of what an advisory would publish: the approver approves exactly that text. */
export function contentHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * The guard. Returns when the action may go ahead (no rule, or a valid
 * approval); otherwise records the request and throws ApprovalPendingError.
 */
export async function requireSecondPerson(
  db: Db,
  vault: ReportVault,
  args: {
    /** Looked up from the report when not given. */
    programId?: string;
    reportId: string | null;
    advisoryId?: string | null;
    action: ApprovalAction;
    actorId: string;
    params?: Record<string, unknown>;
    /** Words for the reporter (closing as not applicable): sealed with the report's key. */
    note?: string;
    approval?: Approval;
  },
): Promise<void> {
  if (args.approval) return checkApproval(db, args.approval, args);
  const programId = args.programId ?? (await db.selectFrom('reports').select('program_id').where('id', '=', args.reportId!).executeTakeFirst())?.program_id;
  if (!programId) throw new NotFoundError('This report');
  if (!(await twoPersonRuleOn(db, programId))) return;
  const id = await requestApproval(db, vault, { ...args, programId });
  throw new ApprovalPendingError(id, ACTION_WORDS[args.action]);
}

async function checkApproval(db: Db, approval: Approval, args: { reportId: string | null; advisoryId?: string | null; action: ApprovalAction }): Promise<void> {
  const request = await db.selectFrom('approval_requests').selectAll().where('id', '=', approval.requestId).executeTakeFirst();
  if (!request || request.action !== args.action || request.report_id !== args.reportId || (args.advisoryId ?? null) !== request.advisory_id) throw new NotFoundError('This approval request');
  if (request.state !== 'pending') throw new AppError('approval_decided', 409, 'This request was already decided.');
  // decideApproval claims the request before it runs the action: only the claimant's run goes ahead.
  if (request.claimed_by !== approval.approver.userId) throw new AppError('approval_decided', 409, 'Another lead or admin is deciding this request right now.');
  assertMayDecide(approval.approver, request);
}

/** Another lead or admin of the program: never the requester. */
export function assertMayDecide(approver: StaffActor, request: { program_id: string; requested_by: string }): void {
  if (approver.userId === request.requested_by) throw new ForbiddenError('The two-person rule needs someone else: you asked for this yourself.');
  if (!can.approveSecondPerson(approver, request.program_id)) throw new ForbiddenError('Only a lead or admin of the program approves or declines.');
}

/** Records a request (or finds the one already waiting for this report or advisory); its event and audit entry in the same transaction. */
async function requestApproval(
  db: Db,
  vault: ReportVault,
  args: { programId: string; reportId: string | null; advisoryId?: string | null; action: ApprovalAction; actorId: string; params?: Record<string, unknown>; note?: string },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    let waiting = trx.selectFrom('approval_requests').select('id').where('state', '=', 'pending');
    waiting = args.advisoryId ? waiting.where('advisory_id', '=', args.advisoryId) : waiting.where('report_id', '=', args.reportId).where('advisory_id', 'is', null);
    const existing = await waiting.executeTakeFirst();
    if (existing) return existing.id;
    const id = randomUUID();
    let noteSealed: Buffer | null = null;
    if (args.note && args.reportId) {
      const keyRow = await trx.selectFrom('reports').select(['id', 'data_key']).where('id', '=', args.reportId).executeTakeFirstOrThrow();
      noteSealed = vault.seal(reportKey(vault, keyRow), `approval-note:${id}`, args.note);
    }
    await trx
      .insertInto('approval_requests')
      .values({ id, program_id: args.programId, report_id: args.reportId, advisory_id: args.advisoryId ?? null, action: args.action, params: JSON.stringify(args.params ?? {}), note_sealed: noteSealed, requested_by: args.actorId })
      .execute();
    const data = { action: args.action, requestId: id };
    if (args.reportId) await recordEvent(trx, { reportId: args.reportId, actor: { kind: 'staff', id: args.actorId }, type: 'approval-requested', data, reporterVisible: false });
    // recordEvent writes the audit entry for a report's event; an advisory without a report gets its own.
    else await appendAudit(trx, { actor: { kind: 'staff', id: args.actorId }, action: 'approval.requested', outcome: 'pending', target: args.advisoryId ?? null, details: data });
    return id;
  });
}

/** The requester's note, opened (closing as not applicable). */
export async function openApprovalNote(db: Db, vault: ReportVault, request: { id: string; report_id: string | null; note_sealed: Buffer | null }): Promise<string | undefined> {
  if (!request.note_sealed || !request.report_id) return undefined;
  const keyRow = await db.selectFrom('reports').select(['id', 'data_key']).where('id', '=', request.report_id).executeTakeFirstOrThrow();
  return vault.openText(reportKey(vault, keyRow), `approval-note:${request.id}`, request.note_sealed);
}

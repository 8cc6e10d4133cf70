import type { StaffActor } from '../auth/policies.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { loadStaffAdvisory, publishAdvisory } from '../advisories/advisory-store.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { recordEvent } from '../reports/record-event.ts';
import { requireReadable } from '../reports/restricted-access.ts';
import { changeState } from '../reports/report-actions.ts';
import { closeAsNotApplicable, closeAsSpam } from '../triage/close-report.ts';
import type { SenderBlockChoice } from '../triage/block-list.ts';
import type { SenderHasher } from '../triage/sender-hash.ts';
import { assertMayDecide, contentHash, openApprovalNote, type Approval } from './second-person.ts';

export interface ApprovalDeps {
  db: Db;
  vault: ReportVault;
  hasher: SenderHasher;
  baseUrl: string;
}

/**
 * A second lead or admin decides a request. Approving runs the very use case
 * that was asked for, with the approval (the requester stays its actor: the
 * decision and the words are theirs), then records the approval; if the use
 * case refuses (the report moved on meanwhile), the request stays open and the
 * refusal is the answer. Declining records who declined; nothing else happens.
 */
export async function decideApproval(deps: ApprovalDeps, approver: StaffActor, args: { requestId: string; decision: 'approve' | 'decline' }): Promise<void> {
  const { db, vault } = deps;
  if (!/^[0-9a-f-]{36}$/i.test(args.requestId)) throw new NotFoundError('This approval request');
  const request = await db.selectFrom('approval_requests').selectAll().where('id', '=', args.requestId).executeTakeFirst();
  // A request of a program the approver has no role in is "not found", like its report.
  if (!request || !approver.roles.has(request.program_id)) throw new NotFoundError('This approval request');
  if (request.state !== 'pending') throw new AppError('approval_decided', 409, 'This request was already decided.');
  // Deciding on a restricted report is for the staff named on it (src/reports/restrict-report.ts).
  if (request.report_id) {
    const report = await db.selectFrom('reports').select(['program_id', 'reference', 'restricted_to']).where('id', '=', request.report_id).executeTakeFirst();
    if (report) requireReadable(approver, report);
  }
  assertMayDecide(approver, request);
  if (args.decision === 'approve') {
    const approval: Approval = { requestId: request.id, approver };
    const params = request.params as { reason?: string; block?: SenderBlockChoice | null; contentHash?: string; revisionSummary?: string };
    if (request.action === 'publish-advisory') {
      const advisory = request.advisory_id ? await loadStaffAdvisory(db, vault, request.advisory_id) : undefined;
      if (!advisory) throw new NotFoundError('This advisory');
      if (contentHash(advisory.content) !== params.contentHash) {
        throw new AppError('approval_stale', 409, 'The draft changed after publishing was requested: decline this request, and the author asks again with the text to publish.');
      }
      await publishAdvisory(db, vault, { id: advisory.id, actorId: request.requested_by, content: advisory.content, revisionSummary: params.revisionSummary ?? '', baseUrl: deps.baseUrl, approval });
    } else if (request.action === 'close-spam') {
      await closeAsSpam(db, vault, deps.hasher, { reportId: request.report_id!, actorId: request.requested_by, ...(params.block ? { block: params.block } : {}), approval });
    } else {
      const note = await openApprovalNote(db, vault, request);
      if (params.reason) await closeAsNotApplicable(db, vault, { reportId: request.report_id!, actorId: request.requested_by, reason: params.reason, ...(note ? { note } : {}), approval });
      else await changeState(db, vault, { reportId: request.report_id!, to: 'not-applicable', actorId: request.requested_by, ...(note ? { reason: note } : {}), approval });
    }
  }
  await db.transaction().execute(async (trx) => {
    const state = args.decision === 'approve' ? 'approved' : 'declined';
    const decided = await trx
      .updateTable('approval_requests')
      .set({ state, decided_by: approver.userId, decided_at: new Date() })
      .where('id', '=', request.id)
      .where('state', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!decided) throw new AppError('approval_decided', 409, 'This request was already decided.');
    const data = { action: request.action, requestId: request.id };
    if (request.report_id) {
      await recordEvent(trx, { reportId: request.report_id, actor: { kind: 'staff', id: approver.userId }, type: args.decision === 'approve' ? 'approval-granted' : 'approval-declined', data, reporterVisible: false });
    } else {
      await appendAudit(trx, { actor: { kind: 'staff', id: approver.userId }, action: `approval.${state}`, target: request.advisory_id, details: data });
    }
  });
}

import { sql } from 'kysely';
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
import { sendApprovedEarlyNotice } from '../early-notices/send-early-notice.ts';
import type { SenderBlockChoice } from '../triage/block-list.ts';
import type { SenderHasher } from '../triage/sender-hash.ts';
import { assertMayDecide, contentHash, openApprovalNote, type Approval } from './second-person.ts';

/** How long an approver's claim on a request holds while the approved action runs. */
const CLAIM_LEASE_SECONDS = 600;

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
  // Two approvers at once must not both run the action (a second publication, a second close): the
  // first to claim the request carries it out; the claim is a lease, so a process that dies while
  // carrying it out does not block the request for good. A decline respects a live claim too.
  const claimed = await db
    .updateTable('approval_requests')
    .set({ claimed_by: approver.userId, claimed_at: sql<Date>`now()` })
    .where('id', '=', request.id)
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_at', '<', sql<Date>`now() - ${sql.lit(`${CLAIM_LEASE_SECONDS} seconds`)}::interval`)]))
    .returning('id')
    .executeTakeFirst();
  if (!claimed) throw new AppError('approval_decided', 409, 'This request was already decided, or another lead or admin is deciding it right now.');
  if (args.decision === 'approve') {
    try {
      const approval: Approval = { requestId: request.id, approver };
      const params = request.params as { reason?: string; block?: SenderBlockChoice | null; contentHash?: string; revisionSummary?: string };
      if (request.action === 'publish-advisory') {
        const advisory = request.advisory_id ? await loadStaffAdvisory(db, vault, request.advisory_id) : undefined;
        if (!advisory) throw new NotFoundError('This advisory');
        if (contentHash(advisory.content) !== params.contentHash) {
          throw new AppError('approval_stale', 409, 'The draft changed after publishing was requested: decline this request, and the author asks again with the text to publish.');
        }
        await publishAdvisory(db, vault, { id: advisory.id, actorId: request.requested_by, content: advisory.content, revisionSummary: params.revisionSummary ?? '', baseUrl: deps.baseUrl, approval });
      } else if (request.action === 'send-early-notice') {
        await sendApprovedEarlyNotice({ db, vault }, { reportId: request.report_id!, actorId: request.requested_by, params: request.params as { noticeId?: string; contentHash?: string }, approval });
      } else if (request.action === 'close-spam') {
        await closeAsSpam(db, vault, deps.hasher, { reportId: request.report_id!, actorId: request.requested_by, ...(params.block ? { block: params.block } : {}), approval });
      } else {
        const note = await openApprovalNote(db, vault, request);
        if (params.reason) await closeAsNotApplicable(db, vault, { reportId: request.report_id!, actorId: request.requested_by, reason: params.reason, ...(note ? { note } : {}), approval });
        else await changeState(db, vault, { reportId: request.report_id!, to: 'not-applicable', actorId: request.requested_by, ...(note ? { reason: note } : {}), approval });
      }
    } catch (err) {
      // The use case refused (the report moved on meanwhile): the request stays open for someone to decide.
      await db.updateTable('approval_requests').set({ claimed_by: null, claimed_at: null }).where('id', '=', request.id).where('state', '=', 'pending').where('claimed_by', '=', approver.userId).execute();
      throw err;
    }
  }
  await db.transaction().execute(async (trx) => {
    const state = args.decision === 'approve' ? 'approved' : 'declined';
    const decided = await trx
      .updateTable('approval_requests')
      .set({ state, decided_by: approver.userId, decided_at: new Date(), claimed_by: null, claimed_at: null })
      .where('id', '=', request.id)
      .where('state', '=', 'pending')
      .where('claimed_by', '=', approver.userId)
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

import { can, type StaffActor } from '../auth/policies.ts';
import { appendAudit } from '../audit/append-audit.ts';
import type { ApprovalAction } from '../db/audit-tables.ts';
import type { Db } from '../db/database.ts';
import { ForbiddenError } from '../errors.ts';

export interface PendingApproval {
  id: string;
  programId: string;
  programName: string;
  action: ApprovalAction;
  reportReference: string | null;
  advisoryId: string | null;
  requestedBy: string;
  requestedById: string;
  requestedAt: Date;
  /** The closure category or block choice, for the approver to read. */
  params: Record<string, unknown>;
}

/** What waits for a second person in the actor's programs, oldest first. */
export async function listPendingApprovals(db: Db, actor: StaffActor, options: { reportId?: string } = {}): Promise<PendingApproval[]> {
  const programIds = [...actor.roles.keys()];
  if (programIds.length === 0) return [];
  let q = db
    .selectFrom('approval_requests as a')
    .innerJoin('programs as p', 'p.id', 'a.program_id')
    .innerJoin('staff_users as u', 'u.id', 'a.requested_by')
    .leftJoin('reports as r', 'r.id', 'a.report_id')
    .select(['a.id', 'a.program_id', 'p.name as program_name', 'a.action', 'r.reference', 'a.advisory_id', 'u.display_name', 'a.requested_by', 'a.requested_at', 'a.params'])
    .where('a.state', '=', 'pending')
    .where('a.program_id', 'in', programIds);
  if (options.reportId) q = q.where('a.report_id', '=', options.reportId);
  const rows = await q.orderBy('a.requested_at').limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    programId: r.program_id,
    programName: r.program_name,
    action: r.action,
    reportReference: r.reference,
    advisoryId: r.advisory_id,
    requestedBy: r.display_name,
    requestedById: r.requested_by,
    requestedAt: r.requested_at,
    params: r.params ?? {},
  }));
}

/** The programs' two-person rule settings, for the page; `editable` where the actor is an admin. */
export async function twoPersonSettings(db: Db, actor: StaffActor): Promise<{ id: string; name: string; on: boolean; editable: boolean }[]> {
  const ids = [...actor.roles.keys()];
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('programs').select(['id', 'name', 'two_person_rule']).where('id', 'in', ids).orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, on: r.two_person_rule, editable: can.setTwoPersonRule(actor, r.id) }));
}

/** An admin turns the program's two-person rule on or off; recorded in the audit log. */
export async function setTwoPersonRule(db: Db, actor: StaffActor, args: { programId: string; on: boolean }): Promise<void> {
  if (!can.setTwoPersonRule(actor, args.programId)) throw new ForbiddenError('Only an admin of the program turns the two-person rule on or off.');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('programs').set({ two_person_rule: args.on }).where('id', '=', args.programId).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: actor.userId }, action: 'program.two-person-rule', target: args.programId, details: { on: args.on } });
  });
}

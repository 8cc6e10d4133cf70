import type { Transaction } from 'kysely';
import { can, type StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { recordEvent } from './record-event.ts';

/**
 * Restricted reports (docs/triage.md): a lead or admin of the report's program
 * limits it to named staff; everyone else, admins included, sees only that it
 * exists. An admin who is not named may add themselves with a reason, which is
 * kept in the timeline (sealed) and the audit log. Every change is an event of
 * the report (and so an audit log entry, src/reports/record-event.ts). The web
 * page, bulk actions and the API all read the rule from can.viewReport.
 */

export const MAX_NAMED = 50;

async function lockReport(trx: Transaction<Database>, reportId: string) {
  const row = await trx.selectFrom('reports').select(['id', 'program_id', 'restricted_to']).where('id', '=', reportId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError('This report');
  return row;
}

/** The ids that are active members of the program, in the order given; anyone else is refused by name of the field. */
async function checkMembers(trx: Transaction<Database>, programId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await trx
    .selectFrom('memberships as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role'])
    .where('m.program_id', '=', programId)
    .where('u.disabled_at', 'is', null)
    .where('m.user_id', 'in', [...ids])
    .execute();
  const members = new Set(rows.filter((r) => can.beNamedOnRestricted(r.role)).map((r) => r.user_id));
  if (ids.some((id) => !members.has(id))) throw new ValidationError({ staff: 'Only active members of the report’s program can be named.' });
}

/**
 * Restricts a report to the named staff, or changes who is named. The actor is
 * always named too: a lead cannot lock themselves out of a report they restrict.
 */
export async function restrictReport(db: Db, args: { actor: StaffActor; reportId: string; staffIds: readonly string[] }): Promise<{ changed: boolean }> {
  const { actor } = args;
  const wanted = [...new Set([actor.userId, ...args.staffIds])];
  if (wanted.length > MAX_NAMED) throw new ValidationError({ staff: `Name at most ${MAX_NAMED} people.` });
  return db.transaction().execute(async (trx) => {
    const report = await lockReport(trx, args.reportId);
    if (!can.viewReport(actor, report)) throw new NotFoundError('This report');
    if (!can.restrictReport(actor, report)) throw new ForbiddenError('Only a lead or admin of the program restricts a report.');
    await checkMembers(trx, report.program_id, wanted);
    const before = report.restricted_to;
    const added = wanted.filter((id) => !before?.includes(id));
    const removed = (before ?? []).filter((id) => !wanted.includes(id));
    if (before !== null && added.length === 0 && removed.length === 0) return { changed: false };
    await trx.updateTable('reports').set({ restricted_to: wanted }).where('id', '=', report.id).execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: actor.userId },
      type: before === null ? 'access-restricted' : 'access-changed',
      data: before === null ? { staffIds: wanted } : { staffIds: wanted, added, removed },
      reporterVisible: false,
    });
    return { changed: true };
  });
}

/** Lifts the restriction: every member of the program may read the report again. */
export async function liftRestriction(db: Db, args: { actor: StaffActor; reportId: string }): Promise<{ changed: boolean }> {
  const { actor } = args;
  return db.transaction().execute(async (trx) => {
    const report = await lockReport(trx, args.reportId);
    if (!can.viewReport(actor, report)) throw new NotFoundError('This report');
    if (!can.restrictReport(actor, report)) throw new ForbiddenError('Only a lead or admin of the program lifts a restriction.');
    if (report.restricted_to === null) return { changed: false };
    await trx.updateTable('reports').set({ restricted_to: null }).where('id', '=', report.id).execute();
    await recordEvent(trx, { reportId: report.id, actor: { kind: 'staff', id: actor.userId }, type: 'access-lifted', data: { staffIds: report.restricted_to }, reporterVisible: false });
    return { changed: true };
  });
}

/**
 * An admin of the program who is not named adds themselves ("break glass"):
 * the reason is required, sealed in the timeline event, and the audit log
 * records who did it to which report and when.
 */
export async function grantSelfAccess(db: Db, vault: ReportVault, args: { actor: StaffActor; reportId: string; reason: string }): Promise<void> {
  const { actor } = args;
  const reason = args.reason.trim();
  await db.transaction().execute(async (trx) => {
    const report = await lockReport(trx, args.reportId);
    if (!can.knowReportExists(actor, report)) throw new NotFoundError('This report');
    // Authorization before validation: whoever may not add themselves learns nothing from the form's checks.
    if (!can.grantSelfAccess(actor, report)) throw new ForbiddenError('Only an admin of the program who is not named on a restricted report may add themselves.');
    if (reason.length < 10) throw new ValidationError({ reason: 'Say why you need to read this report (at least 10 characters).' });
    if (reason.length > 1000) throw new ValidationError({ reason: 'Keep the reason under 1000 characters.' });
    const named = [...(report.restricted_to ?? []), actor.userId];
    await trx.updateTable('reports').set({ restricted_to: named }).where('id', '=', report.id).execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: actor.userId },
      type: 'access-self-granted',
      data: { staffIds: named },
      text: { vault, reason },
      reporterVisible: false,
    });
  });
}

/** Who may read a restricted report, by name, for the page that says it is restricted (names only; no contents). */
export async function namedStaff(db: Db, restrictedTo: readonly string[] | null): Promise<{ id: string; displayName: string }[]> {
  if (!restrictedTo || restrictedTo.length === 0) return [];
  const rows = await db.selectFrom('staff_users').select(['id', 'display_name']).where('id', 'in', [...restrictedTo]).orderBy('display_name').execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}

import { can, type StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import { AppError } from '../errors.ts';
import { assignReport, changeState } from '../reports/report-actions.ts';
import { closeAsSpam } from './close-report.ts';
import type { SenderHasher } from './sender-hash.ts';

export type BulkAction = { kind: 'assign'; assigneeId: string | null } | { kind: 'state'; to: ReportState } | { kind: 'spam' };

export interface BulkOutcome {
  changed: string[];
  /** Per report, in a sentence staff can act on. */
  failed: { reference: string; reason: string }[];
}

/** At most this many reports per bulk action: one inbox page. */
export const MAX_BULK = 50;

/**
 * Applies one action to many reports, each in its own transaction through the
 * same use cases as the report page (so the lifecycle checks every move): one
 * report that cannot change does not stop the others, and is reported by name.
 * Reports the actor may not see are "not found", like everywhere else.
 */
export async function runBulkAction(
  deps: { db: Db; vault: ReportVault; hasher: SenderHasher },
  actor: StaffActor,
  reportIds: readonly string[],
  action: BulkAction,
): Promise<BulkOutcome> {
  const ids = [...new Set(reportIds)].slice(0, MAX_BULK);
  const rows = ids.length ? await deps.db.selectFrom('reports').select(['id', 'reference', 'program_id', 'restricted_to']).where('id', 'in', ids).orderBy('reference').execute() : [];
  const outcome: BulkOutcome = { changed: [], failed: [] };
  const missing = ids.length - rows.filter((r) => can.viewReport(actor, r)).length;
  for (let i = 0; i < missing; i++) outcome.failed.push({ reference: 'A selected report', reason: 'does not exist, or you do not have access to it.' });
  for (const row of rows) {
    if (!can.viewReport(actor, row)) continue;
    if (!can.editReport(actor, row)) {
      outcome.failed.push({ reference: row.reference, reason: 'your role can read this report but not change it.' });
      continue;
    }
    try {
      if (action.kind === 'assign') await assignReport(deps.db, { reportId: row.id, assigneeId: action.assigneeId, actorId: actor.userId });
      // Spam, however chosen, goes through closeAsSpam (it also leaves the quarantine); a bulk action blocks no one.
      else if (action.kind === 'spam' || action.to === 'spam') await closeAsSpam(deps.db, deps.vault, deps.hasher, { reportId: row.id, actorId: actor.userId });
      else await changeState(deps.db, deps.vault, { reportId: row.id, to: action.to, actorId: actor.userId });
      outcome.changed.push(row.reference);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const fields = 'fields' in err ? Object.values((err as { fields: Record<string, string> }).fields).join(' ') : '';
      outcome.failed.push({ reference: row.reference, reason: fields || err.message });
    }
  }
  return outcome;
}

/** "3 changed, 1 could not: EMB-2026-0004: A report that is disclosed cannot change state." */
export function summariseBulk(o: BulkOutcome): string {
  const head = `${o.changed.length} changed`;
  if (o.failed.length === 0) return `${head}.`;
  return `${head}, ${o.failed.length} could not: ${o.failed.map((f) => `${f.reference}: ${f.reason}`).join(' ')}`;
}

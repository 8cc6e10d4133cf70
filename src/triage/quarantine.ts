import { sql } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { InvalidTransitionError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { openTitle } from '../reports/report-contents.ts';
import { RESTRICTED_TITLE, readableBy } from '../reports/restricted-access.ts';
import { queueTeamNotice } from '../team-notices/queue-team-notice.ts';

/** "Not spam": the report leaves the quarantine for the normal inbox views, with an event saying who decided. */
export async function releaseFromQuarantine(db: Db, args: { reportId: string; actorId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const row = await trx.selectFrom('reports').select('quarantined').where('id', '=', report.id).executeTakeFirstOrThrow();
    if (!row.quarantined) throw new InvalidTransitionError('This report is not in quarantine.');
    await trx.updateTable('reports').set({ quarantined: false }).where('id', '=', report.id).execute();
    const released = await recordEvent(trx, { reportId: report.id, actor: { kind: 'staff', id: args.actorId }, type: 'quarantine-released', reporterVisible: false });
    // Nobody was told of it on arrival: the team hears of it now.
    await queueTeamNotice(trx, released);
  });
}

export interface QuarantineRow {
  id: string;
  programId: string;
  /** Who may read it when restricted (the title is then "Restricted report" for anyone else). */
  restrictedTo: string[] | null;
  reference: string;
  title: string;
  reasons: string[];
  aiAssistance: string | null;
  createdAt: Date;
}

/** The Quarantine tab: reports awaiting a spam decision, newest first (index reports_quarantined). */
export async function listQuarantine(db: Db, vault: ReportVault, programIds: readonly string[], readerId: string | null, limit = 200): Promise<QuarantineRow[]> {
  if (programIds.length === 0) return [];
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'program_id', 'reference', 'data_key', 'title_sealed', 'quarantine_reasons', 'ai_assistance', 'created_at', 'restricted_to'])
    .where('program_id', 'in', programIds)
    .where('quarantined', '=', true)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, programId: r.program_id, restrictedTo: r.restricted_to, reference: r.reference, title: readableBy(readerId, r.restricted_to) ? openTitle(vault, r) : RESTRICTED_TITLE, reasons: r.quarantine_reasons, aiAssistance: r.ai_assistance, createdAt: r.created_at }));
}

/** Quarantined reports per state, and their total for the Quarantine tab. */
export async function countQuarantined(db: Db, programIds: readonly string[]): Promise<{ byState: Map<string, number>; total: number }> {
  if (programIds.length === 0) return { byState: new Map(), total: 0 };
  const rows = await db
    .selectFrom('reports')
    .select(['state', sql<string>`count(*)`.as('n')])
    .where('program_id', 'in', programIds)
    .where('quarantined', '=', true)
    .groupBy('state')
    .execute();
  const byState = new Map(rows.map((r) => [r.state as string, Number(r.n)]));
  return { byState, total: [...byState.values()].reduce((a, b) => a + b, 0) };
}

import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { openTitle } from '../reports/report-contents.ts';
import { RESTRICTED_TITLE, readableBy } from '../reports/restricted-access.ts';
import { CRA_KIND_LABELS, craUrgency, type CraKind, type CraUrgency } from './cra-clocks.ts';
import { clocksOf, loadCraCases } from './load-cra-view.ts';

export interface CraDueRow {
  reference: string;
  title: string;
  kind: CraKind;
  kindLabel: string;
  stepLabel: string;
  article: string;
  dueAt: Date;
  urgency: CraUrgency;
  provisional: boolean;
}

/**
 * The Due view's CRA rows: every open Article 14 step (running or overdue) of
 * the programs' reports, nearest deadline first, whatever the report's state
 * (a closed report can still owe the CSIRT its final report).
 */
export async function listCraDue(db: Db, vault: ReportVault, args: { programIds: readonly string[]; now: Date; readerId: string | null }): Promise<CraDueRow[]> {
  if (args.programIds.length === 0) return [];
  const reports = await db
    .selectFrom('reports as r')
    .innerJoin('programs as p', 'p.id', 'r.program_id')
    .select(['r.id', 'r.reference', 'r.data_key', 'r.title_sealed', 'r.restricted_to', 'p.config'])
    .where('r.program_id', 'in', args.programIds)
    .where(({ exists, selectFrom }) => exists(selectFrom('cra_cases as c').select('c.id').whereRef('c.report_id', '=', 'r.id')))
    .execute();
  if (reports.length === 0) return [];
  const cases = await loadCraCases(db, reports.map((r) => r.id));
  const rows: CraDueRow[] = [];
  for (const r of reports) {
    const zone = (r.config as { calendar?: { timeZone?: string } }).calendar?.timeZone ?? 'UTC';
    const title = readableBy(args.readerId, r.restricted_to) ? openTitle(vault, r) : RESTRICTED_TITLE;
    for (const c of cases.filter((x) => x.report_id === r.id)) {
      for (const k of clocksOf(c, args.now, zone)) {
        if (k.state !== 'running' && k.state !== 'overdue') continue;
        rows.push({ reference: r.reference, title, kind: c.kind, kindLabel: CRA_KIND_LABELS[c.kind], stepLabel: k.label, article: k.article, dueAt: k.dueAt, urgency: craUrgency(k), provisional: k.provisional });
      }
    }
  }
  return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

import { sql } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { openReporter } from '../reports/report-contents.ts';

export interface CreditYear {
  year: number;
  /** Names or handles as the reporters chose them, once each, alphabetically. */
  named: string[];
  /** Reporters who asked to be credited anonymously. */
  anonymous: number;
}

/** When a report was disclosed: the move to disclosed (an advisory published, or the team's decision once the agreed date passed). */
const disclosedAt = (reportColumn: 'reports.id' | 'o.id') =>
  sql<Date>`(SELECT min(e.created_at) FROM report_events e WHERE e.report_id = ${sql.ref(reportColumn)} AND e.type = 'state-changed' AND e.data->>'to' = 'disclosed')`;

/**
 * The thanks page: reporters of disclosed reports who chose to be credited,
 * by year of disclosure, and duplicate reporters credited with their original. "none" is left out entirely; nobody is named without
 * having chosen name or handle on their report. A fixed report is still under embargo, and one closed
 * without disclosure never became public: naming its reporter would reveal it.
 */
export async function listCredits(db: Db, vault: ReportVault, programId: string): Promise<CreditYear[]> {
  const rows = await db
    .selectFrom('reports')
    .select([
      sql<number>`extract(year from ${disclosedAt('reports.id')} AT TIME ZONE 'UTC')::int`.as('year'),
      'id',
      'credit_preference',
      'data_key',
      'reporter_sealed',
    ])
    .where('program_id', '=', programId)
    .where('state', '=', 'disclosed')
    .where('credit_preference', '!=', 'none')
    .execute();
  // Duplicate reporters the team chose to credit too: under the year their
  // original was disclosed (their own report is closed as a duplicate), by
  // their own credit preference.
  const duplicates = await db
    .selectFrom('reports as d')
    .innerJoin('reports as o', 'o.id', 'd.duplicate_of')
    .select([
      sql<number>`extract(year from ${disclosedAt('o.id')} AT TIME ZONE 'UTC')::int`.as('year'),
      'd.id',
      'd.credit_preference',
      'd.data_key',
      'd.reporter_sealed',
    ])
    .where('d.program_id', '=', programId)
    .where('d.credit_with_original', '=', true)
    .where('d.credit_preference', '!=', 'none')
    .where('o.state', '=', 'disclosed')
    .execute();
  const years = new Map<number, { named: Set<string>; anonymous: number }>();
  for (const r of [...rows, ...duplicates]) {
    const y = years.get(r.year) ?? { named: new Set<string>(), anonymous: 0 };
    years.set(r.year, y);
    // Anonymous credits need no name: only the named ones are opened.
    const reporter = r.credit_preference === 'anonymous' ? null : openReporter(vault, r);
    const label = r.credit_preference === 'name' ? reporter?.name : r.credit_preference === 'handle' ? reporter?.handle : null;
    if (label) y.named.add(label);
    else y.anonymous++;
  }
  return [...years]
    .sort(([a], [b]) => b - a)
    .map(([year, y]) => ({ year, named: [...y.named].sort((a, b) => a.localeCompare(b)), anonymous: y.anonymous }));
}

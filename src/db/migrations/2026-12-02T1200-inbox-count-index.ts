import { sql, type Kysely } from 'kysely';

// Every inbox page counts its tabs (src/reports/inbox-counts.ts): open reports per state, the
// ones with a running clock (Due), quarantined ones left out. reports_inbox_state has no
// `quarantined`, so each open report cost a visit to the table: at 1,000,000 reports with
// 32,000 open that was most of the inbox's time (docs/performance.md). This index answers
// countByState and countDue from the index alone (an index-only scan, once vacuum has marked
// the pages all-visible).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX reports_tab_counts ON reports (program_id, state, next_deadline_at) WHERE NOT quarantined`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

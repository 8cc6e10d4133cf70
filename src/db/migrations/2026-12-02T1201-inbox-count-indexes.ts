import { sql, type Kysely } from 'kysely';

// reports_tab_counts (2026-12-02T1200) made the tab counts index-only, but the planner then also
// took it for the inbox sorted by next deadline: it misjudges how many open reports have a
// deadline (it multiplies the two fractions; they are the same reports), scanned all open reports
// through it and sorted them (417 ms at 1,000,000 reports, where the deadline-ordered index took
// 0.2 ms). Two indexes instead, each shaped for its count (docs/performance.md):
// - open reports per state (countByState): index-only over the open states' ranges;
// - due reports (countDue): only reports with a deadline, in deadline order, so the deadline sort
//   reads it in order and stops at a page, and the count is an index-only scan of its few entries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX reports_tab_counts`.execute(db);
  await sql`CREATE INDEX reports_open_counts ON reports (program_id, state) WHERE NOT quarantined`.execute(db);
  await sql`CREATE INDEX reports_due_counts ON reports (program_id, next_deadline_at, state) WHERE NOT quarantined AND next_deadline_at IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// The inbox sorts by next deadline and by severity (src/reports/list-reports.ts),
// by keyset in two phases: rows with a value, then rows without one (NULLS LAST).
// Both phases of each sort read one of these indexes in order:
//   deadline:  next_deadline_at > $t OR (= $t AND id > $id) … ORDER BY next_deadline_at, id
//              then next_deadline_at IS NULL AND id > $id ORDER BY id
//   severity:  team_cvss_score < $s OR (= $s AND id < $id) … ORDER BY team_cvss_score DESC, id DESC
//              then team_cvss_score IS NULL AND id < $id ORDER BY id DESC
export async function up(db: Kysely<unknown>): Promise<void> {
  // Unlike reports_due (partial), this one holds the reports without a deadline too, for the second phase.
  await sql`CREATE INDEX reports_inbox_deadline ON reports (program_id, next_deadline_at, id)`.execute(db);
  await sql`CREATE INDEX reports_inbox_severity ON reports (program_id, team_cvss_score, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

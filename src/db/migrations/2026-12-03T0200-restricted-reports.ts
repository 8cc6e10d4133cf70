import { sql, type Kysely } from 'kysely';

// Restricted reports (issue 13, docs/triage.md): a lead or admin of the report's program can limit
// a report to named staff. restricted_to holds their staff ids; NULL means the report is not
// restricted (every member of the program may read it). An empty list is refused: a restriction
// always names at least one person who may still read the report.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reports
      ADD COLUMN restricted_to uuid[],
      ADD CONSTRAINT reports_restricted_to_not_empty CHECK (restricted_to IS NULL OR cardinality(restricted_to) > 0)`.execute(db);
  // Restricting, changing who is named, lifting, and an admin adding themselves (with a sealed reason): timeline events, and so audit log entries.
  await sql`
    INSERT INTO report_event_types (type) VALUES ('access-restricted'), ('access-changed'), ('access-lifted'), ('access-self-granted')
    ON CONFLICT DO NOTHING`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

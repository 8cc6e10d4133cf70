import { sql, type Kysely } from 'kysely';

// A report can carry the team's CVSS 3.1 and 4.0 vectors (issue 15): team_cvss_vector with its
// score and severity stays the one that rates the report (SLA, inbox order); this column holds the
// team's vector of the other CVSS version, validated before it is stored, and only beside one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reports
      ADD COLUMN team_cvss_second_vector text,
      ADD CONSTRAINT reports_cvss_second_needs_first CHECK (team_cvss_second_vector IS NULL OR team_cvss_vector IS NOT NULL)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

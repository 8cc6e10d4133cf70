import { sql, type Kysely } from 'kysely';

// Likely duplicates found when a report was submitted (src/triage/duplicate-suggestions.ts).
// A table of their own rather than report events: they are staff-only hints
// that neither change the report nor belong in its history, and the inbox
// asks "does this report have any?" for every row it lists.
// Never imports application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE duplicate_suggestions (
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      -- The earlier report it looked like; the hint goes when that report does.
      candidate_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      -- findLikelyDuplicates' 0–1 score at submission time (comparable within one report only).
      score numeric(4, 3) NOT NULL CHECK (score >= 0 AND score <= 1),
      -- Why, as shown to staff, e.g. "same product; shares: hpack, header".
      reason text NOT NULL CHECK (char_length(reason) <= 500),
      created_at timestamptz NOT NULL DEFAULT now(),
      -- The primary key serves the inbox's EXISTS (report_id = …) and the report page's list.
      PRIMARY KEY (report_id, candidate_id),
      CHECK (report_id <> candidate_id)
    )`.execute(db);
  // Deleting a report cascades through candidate_id as well: without this index that is a sequential scan.
  await sql`CREATE INDEX duplicate_suggestions_candidate ON duplicate_suggestions (candidate_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

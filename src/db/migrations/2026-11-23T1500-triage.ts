import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Likely duplicates (src/triage/find-likely-duplicates.ts): candidates whose title is
  // trigram-similar to a new report's (`title % $1`), besides the full-text match that
  // reports_search serves. pg_trgm was created by the initial migration.
  await sql`CREATE INDEX reports_title_trgm ON reports USING gin (title gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS reports_title_trgm`.execute(db);
}

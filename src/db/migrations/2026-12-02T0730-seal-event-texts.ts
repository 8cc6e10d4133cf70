import { sql, type Kysely } from 'kysely';

// What staff write about a report (a state change's reason, a closing note
// filled from a canned response, a resolution date's reason) leaves the
// event's clear JSON for a sealed column, and attachments keep their SHA-256
// sealed: a digest in clear confirms a known proof-of-concept file. Rows
// written before this are sealed on the next start
// (src/reports/seal-legacy-report-texts.ts), which needs the instance secret.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Sealed JSON { reason } with the report's data key, purpose 'event-text:<event id>'.
  await sql`ALTER TABLE report_events ADD COLUMN text_sealed bytea`.execute(db);
  await sql`
    ALTER TABLE report_attachments
      ALTER COLUMN sha256 DROP NOT NULL,
      -- The plaintext's SHA-256, sealed with the report's data key, purpose 'attachment-sha256:<id>'.
      ADD COLUMN sha256_sealed bytea`.execute(db);
  // sealLegacyReportTexts runs on every start: once all is sealed these stay empty, so it reads nothing.
  await sql`CREATE INDEX report_events_unsealed ON report_events (id) WHERE data ? 'reason'`.execute(db);
  await sql`CREATE INDEX report_attachments_unsealed ON report_attachments (id) WHERE sha256 IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

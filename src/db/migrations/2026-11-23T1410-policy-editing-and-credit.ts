import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Versions published from the staff UI record who published them and why.
  await sql`ALTER TABLE policy_versions ADD COLUMN published_by uuid REFERENCES staff_users(id)`.execute(db);
  await sql`ALTER TABLE policy_versions ADD COLUMN note text`.execute(db);

  // Reporters change how they are credited from the tracking page.
  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`
    ALTER TABLE report_events ADD CONSTRAINT report_events_type_check CHECK (type IN ('submitted', 'state-changed',
      'assigned', 'reporter-replied', 'staff-replied', 'note-added', 'credit-changed'))`.execute(db);
  // When a report reached a resolved state; the thanks page groups credits by its year.
  await sql`ALTER TABLE reports ADD COLUMN resolved_at timestamptz`.execute(db);
  // Thanks page: credited reports of a program by resolution date.
  await sql`CREATE INDEX reports_thanks ON reports (program_id, resolved_at) WHERE resolved_at IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

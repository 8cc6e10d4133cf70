import { sql, type Kysely } from 'kysely';

// Watchers (staff who follow a report and get its SLA reminders like the
// assignee) and crediting a duplicate's reporter alongside the original's.
// Never imports application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE report_watchers (
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Watching twice is a no-op (ON CONFLICT); the sweep looks watchers up by report.
      PRIMARY KEY (report_id, user_id)
    )`.execute(db);
  // "Which reports do I watch" (the page's button state is served by the primary key).
  await sql`CREATE INDEX report_watchers_user ON report_watchers (user_id)`.execute(db);
  await sql`
    ALTER TABLE reports
      -- A duplicate whose reporter the team chose to credit too, on the thanks page under the original's year.
      ADD COLUMN credit_with_original boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// A reporter's personal data can be exported and erased (src/privacy/), the
// vulnerability record kept. And the event types move from a CHECK that every
// new type had to re-list into a table: a new type is now one INSERT.
export async function up(db: Kysely<unknown>): Promise<void> {
  // When the reporter's name, handle, e-mail, key and mail addresses were erased; null while kept.
  await sql`ALTER TABLE reports ADD COLUMN reporter_erased_at timestamptz`.execute(db);

  await sql`CREATE TABLE report_event_types (type text PRIMARY KEY)`.execute(db);
  await sql`
    INSERT INTO report_event_types (type) VALUES ('submitted'), ('state-changed'), ('assigned'), ('reporter-replied'),
      ('staff-replied'), ('note-added'), ('credit-changed'), ('severity-set'), ('cwe-set'), ('evaluation-sent'),
      ('resolution-date-changed'), ('duplicate-marked'), ('quarantined'), ('quarantine-released'), ('sender-blocked'),
      ('ssvc-set'), ('advisory-published'), ('disclosure-date-proposed'), ('disclosure-date-agreed'),
      ('reporter-data-erased')`.execute(db);
  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`ALTER TABLE report_events ADD CONSTRAINT report_events_type_fkey FOREIGN KEY (type) REFERENCES report_event_types (type)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

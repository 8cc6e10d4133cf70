import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // SSVC decision points and the resulting patch development priority (src/triage/ssvc.ts).
  await sql`ALTER TABLE reports ADD COLUMN ssvc jsonb`.execute(db);
  // Every type of 2026-11-23T1560-spam-quarantine, plus the SSVC decision's own.
  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`
    ALTER TABLE report_events ADD CONSTRAINT report_events_type_check CHECK (type IN ('submitted', 'state-changed',
      'assigned', 'reporter-replied', 'staff-replied', 'note-added', 'credit-changed',
      'severity-set', 'cwe-set', 'evaluation-sent', 'resolution-date-changed', 'duplicate-marked',
      'quarantined', 'quarantine-released', 'sender-blocked', 'ssvc-set'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

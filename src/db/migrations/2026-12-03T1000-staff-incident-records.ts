import { sql, type Kysely } from 'kysely';

// A report the team records itself for a severe incident (EU CRA Art. 14(3)): nobody reported it,
// so it came through no intake channel. 'staff' says so in the inbox, the metrics and the API.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reports
      DROP CONSTRAINT reports_channel_check,
      ADD CONSTRAINT reports_channel_check CHECK (channel IN ('web', 'email', 'api', 'staff'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

import { sql, type Kysely } from 'kysely';

// Mail evidence staff can act on (issue 10): who signed a mail by name, and who
// downloaded an original; and reports that came by e-mail no longer claim the
// sender accepted a policy version they were never shown. Never imports application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The signer key's user IDs (JSON array), sealed like the fingerprint: they name the sender.
  await sql`ALTER TABLE inbound_mails ADD COLUMN signer_user_ids_sealed bytea`.execute(db);
  await sql`
    CREATE TABLE inbound_mail_downloads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      mail_id uuid NOT NULL REFERENCES inbound_mails(id) ON DELETE CASCADE,
      -- Kept when the account is deactivated: the name stays in the record.
      staff_id uuid NOT NULL REFERENCES staff_users(id),
      downloaded_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // "Who downloaded this mail's original", shown on the report page under each mail.
  await sql`CREATE INDEX inbound_mail_downloads_mail ON inbound_mail_downloads (mail_id, downloaded_at)`.execute(db);
  // NULL: the reporter was never shown the policy (a report by e-mail); policy_version_id stays the version in force.
  await sql`ALTER TABLE reports ALTER COLUMN policy_accepted_at DROP NOT NULL`.execute(db);
  await sql`UPDATE reports SET policy_accepted_at = NULL WHERE channel = 'email'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

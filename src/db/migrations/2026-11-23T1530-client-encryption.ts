import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // How the report reached us: encrypted in the reporter's browser, or over TLS only.
  await sql`ALTER TABLE reports ADD COLUMN client_encryption text CHECK (client_encryption IN ('openpgp'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

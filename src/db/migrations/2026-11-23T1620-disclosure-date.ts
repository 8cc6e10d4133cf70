import type { Kysely } from 'kysely';

// The agreed disclosure date of a report (src/disclosure/).
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

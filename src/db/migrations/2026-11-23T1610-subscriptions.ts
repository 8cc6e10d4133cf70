import type { Kysely } from 'kysely';

// Customer subscriptions to products and advisory notifications (src/subscriptions/).
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

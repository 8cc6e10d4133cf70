import type { Kysely } from 'kysely';

// This migration once added a trigram index on reports.title for duplicate
// ranking. Titles are now sealed at rest (see the initial migration), so
// duplicates rank on the blind search terms, served by reports_search_terms.
// Kept as a no-op so databases that recorded it stay consistent.
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}

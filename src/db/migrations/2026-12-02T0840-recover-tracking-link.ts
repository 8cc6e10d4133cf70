import { sql, type Kysely } from 'kysely';

// A reporter asks for a lost tracking link again (src/reports/recover-tracking-link.ts):
// the request is matched in a job, so the page takes the same time whether or not it matches.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Add the new job kind to whatever the constraint allows now, so the order of
  // concurrent migrations that add kinds does not drop another one's kind.
  const current = await sql<{ def: string }>`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'jobs_kind_check' AND conrelid = 'jobs'::regclass`.execute(db);
  const kinds = new Set([...(current.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!));
  kinds.add('recover-tracking-link');
  await sql`ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check`.execute(db);
  await sql`ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (${sql.join([...kinds].sort().map((k) => sql.lit(k)))}))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}

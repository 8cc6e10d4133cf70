import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The worker holding a running job (its worker_heartbeats id): when that worker's heartbeat
  // goes stale (killed, machine gone), another worker takes the job over at once instead of
  // after the five-minute stale-claim rule. NULL on pending and finished jobs.
  await sql`ALTER TABLE jobs ADD COLUMN locked_by text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE jobs DROP COLUMN locked_by`.execute(db);
}

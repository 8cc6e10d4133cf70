import { sql, type Kysely } from 'kysely';

// A job's attempt budget now comes from its kind (src/jobs/job-kinds.ts): mail to
// reporters and subscribers is retried for days, not 8 times in an hour. The
// column stays for a budget given to one job (a retry by hand extends it); NULL
// means "the kind's". Jobs still in the queue move to their kind's budget.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE jobs ALTER COLUMN max_attempts DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE jobs ALTER COLUMN max_attempts SET DEFAULT NULL`.execute(db);
  await sql`UPDATE jobs SET max_attempts = NULL WHERE state IN ('pending', 'running') AND max_attempts = 8`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE jobs SET max_attempts = 8 WHERE max_attempts IS NULL`.execute(db);
  await sql`ALTER TABLE jobs ALTER COLUMN max_attempts SET DEFAULT 8`.execute(db);
  await sql`ALTER TABLE jobs ALTER COLUMN max_attempts SET NOT NULL`.execute(db);
}

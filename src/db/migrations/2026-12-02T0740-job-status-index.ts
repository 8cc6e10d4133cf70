import { sql, type Kysely } from 'kysely';

// Finished jobs pile up; the ones not done are few. This index serves the report
// page's "mail not sent yet" (src/jobs/job-status.ts listUnsentReportMail) and the
// admin list of failed and retrying jobs without reading the finished ones.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX jobs_unfinished ON jobs (id) WHERE state IN ('pending', 'running', 'failed')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX jobs_unfinished`.execute(db);
}

import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import type { JobKind, JobState } from '../db/schema.ts';
import { attemptBudget, JOB_KINDS } from './job-kinds.ts';

/** A job that has not gone through (yet), as admins and the report page show it. Never its payload: it may hold a sealed token. */
export interface JobStatus {
  id: string;
  kind: JobKind;
  /** What it does, in words (src/jobs/job-kinds.ts). */
  label: string;
  state: JobState;
  attempts: number;
  budget: number;
  /** Next attempt, while pending. */
  runAt: Date;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** The report it is about, when there is one. */
  report: { id: string; reference: string; programId: string } | null;
}

/** The report a job is about, from its payload (ids only), for the kinds that have one. */
const reportIdOfJob: RawBuilder<string | null> = sql`CASE
  WHEN j.kind = 'mail-acknowledgement' THEN (j.payload->>'reportId')::uuid
  WHEN j.kind = 'notify-reporter' THEN (SELECT e.report_id FROM report_events e WHERE e.id = (j.payload->>'eventId')::bigint)
  WHEN j.kind = 'process-inbound-mail' THEN (SELECT m.report_id FROM inbound_mails m WHERE m.id = (j.payload->>'mailId')::uuid)
  WHEN j.kind = 'sla-mail' AND j.payload->>'kind' = 'reminder' THEN (SELECT s.report_id FROM sla_reminders s WHERE s.id = (j.payload->>'reminderId')::bigint)
  WHEN j.kind = 'webhook-delivery' THEN (SELECT d.report_id FROM webhook_deliveries d WHERE d.id = (j.payload->>'deliveryId')::uuid)
END`;

const LIMIT = 500;

/**
 * Jobs that gave up, and jobs waiting to try again after a failure, newest
 * first: what the admin page lists. Those about a report in a program the
 * reader has no role in are left out.
 */
export async function listTroubledJobs(db: Db, visibleProgramIds: readonly string[]): Promise<JobStatus[]> {
  const rows = await db
    .selectFrom(
      db
        .selectFrom('jobs as j')
        .select(['j.id', 'j.kind', 'j.state', 'j.attempts', 'j.max_attempts', 'j.run_at', 'j.last_error', 'j.created_at', 'j.finished_at', reportIdOfJob.as('report_id')])
        .where('j.state', 'in', ['pending', 'running', 'failed'])
        .where((eb) => eb.or([eb('j.state', '=', 'failed'), eb('j.attempts', '>', 0)]))
        .orderBy('j.id', 'desc')
        .limit(LIMIT)
        .as('t'),
    )
    .leftJoin('reports as r', 'r.id', 't.report_id')
    .selectAll('t')
    .select(['r.reference', 'r.program_id'])
    .orderBy(sql`t.state = 'failed'`, 'desc')
    .orderBy('t.id', 'desc')
    .execute();
  return rows.filter((r) => !r.program_id || visibleProgramIds.includes(r.program_id)).map(toStatus);
}

/** The mail to the reporter of one report that has not gone out yet (queued, retrying, or given up), oldest first. */
export async function listUnsentReportMail(db: Db, report: { id: string; reference: string; program_id: string }): Promise<JobStatus[]> {
  const rows = await db
    .selectFrom('jobs as j')
    .select(['j.id', 'j.kind', 'j.state', 'j.attempts', 'j.max_attempts', 'j.run_at', 'j.last_error', 'j.created_at', 'j.finished_at'])
    .where('j.state', 'in', ['pending', 'running', 'failed'])
    .where((eb) =>
      eb.or([
        eb.and([eb('j.kind', '=', 'mail-acknowledgement'), eb(sql<string>`j.payload->>'reportId'`, '=', report.id)]),
        eb.and([
          eb('j.kind', '=', 'notify-reporter'),
          eb(sql<string>`j.payload->>'eventId'`, 'in', eb.selectFrom('report_events').select(sql<string>`id::text`.as('id')).where('report_id', '=', report.id)),
        ]),
      ]),
    )
    .orderBy('j.id')
    .execute();
  return rows.map((r) => toStatus({ ...r, report_id: report.id, reference: report.reference, program_id: report.program_id }));
}

function toStatus(r: {
  id: string; kind: JobKind; state: JobState; attempts: number; max_attempts: number | null; run_at: Date; last_error: string | null;
  created_at: Date; finished_at: Date | null; report_id: string | null; reference: string | null; program_id: string | null;
}): JobStatus {
  return {
    id: String(r.id),
    kind: r.kind,
    label: JOB_KINDS[r.kind].label,
    state: r.state,
    attempts: r.attempts,
    budget: attemptBudget(r),
    runAt: r.run_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    report: r.report_id && r.reference && r.program_id ? { id: r.report_id, reference: r.reference, programId: r.program_id } : null,
  };
}

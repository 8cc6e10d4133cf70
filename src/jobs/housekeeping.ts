import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { pruneAuditLog } from '../audit/prune-audit.ts';
import { purgeExpiredPending } from '../subscriptions/request-subscription.ts';

/** Rows deleted by one housekeeping pass, per kind. */
export interface HousekeepingResult {
  sessions: number;
  pendingSignIns: number;
  rateLimits: number;
  finishedJobs: number;
  /** Audit log entries past EMBARGO_AUDIT_RETENTION_DAYS (a checkpoint entry keeps the chain verifiable). */
  auditEntries: number;
  /** Webhook deliveries (and their attempts) delivered or given up more than `finishedJobsDays` ago. */
  webhookDeliveries: number;
  /**
   * Subscriptions never confirmed whose link expired. Each request queues its own
   * forget-unconfirmed-subscribers job; this is the backstop for when that job gave up.
   */
  unconfirmedSubscribers: number;
}

/**
 * Deletes what no longer means anything: expired staff sessions and half-done
 * sign-ins, rate-limit rows whose window has passed (an expired row counts as
 * a fresh one anyway), and jobs done more than `finishedJobsDays` ago, except
 * reporter mail jobs (their delivery rows need the job id). Failed jobs stay:
 * admins see and retry them at /staff/deliveries. Each delete is its
 * own statement, so one failing table does not keep the others from shrinking.
 */
export async function runHousekeeping(db: Db, options: { finishedJobsDays: number; auditRetentionDays?: number; onError: (err: unknown, table: string) => void }): Promise<HousekeepingResult> {
  const deleted = async (table: string, run: () => Promise<{ numDeletedRows: bigint }>) => {
    try {
      return Number((await run()).numDeletedRows);
    } catch (err) {
      options.onError(err, table);
      return 0;
    }
  };
  return {
    sessions: await deleted('sessions', () => db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst()),
    pendingSignIns: await deleted('staff_pending_sign_ins', () => db.deleteFrom('staff_pending_sign_ins').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst()),
    rateLimits: await deleted('rate_limits', () => db.deleteFrom('rate_limits').where('window_ends_at', '<', sql<Date>`now()`).executeTakeFirst()),
    finishedJobs: await deleted('jobs', () =>
      db
        .deleteFrom('jobs as j')
        .where('j.state', '=', 'done')
        .where('j.finished_at', '<', sql<Date>`now() - ${sql.lit(`${options.finishedJobsDays} days`)}::interval`)
        // A reporter mail's delivery rows seal its address bound to the job's id (src/mail/deliveries.ts):
        // those jobs are part of the mail record and stay.
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mail_deliveries as d').select(sql`1`.as('one')).whereRef('d.job_id', '=', 'j.id'))))
        .executeTakeFirst(),
    ),
    webhookDeliveries: await deleted('webhook_deliveries', () =>
      db.deleteFrom('webhook_deliveries').where('state', '!=', 'pending').where('occurred_at', '<', sql<Date>`now() - ${sql.lit(`${options.finishedJobsDays} days`)}::interval`).executeTakeFirst(),
    ),
    unconfirmedSubscribers: await deleted('subscribers', async () => ({ numDeletedRows: BigInt(await purgeExpiredPending(db, new Date())) })),
    auditEntries: options.auditRetentionDays ? await deleted('audit_log', async () => ({ numDeletedRows: BigInt((await pruneAuditLog(db, { retentionDays: options.auditRetentionDays! })).deleted) })) : 0,
  };
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { enqueueJob, type JobPayloads } from '../jobs/queue.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { seal } from './seal.ts';

/** Sealing purpose of the tracking token in an acknowledgement job. */
export const ACK_TOKEN_PURPOSE = 'ack-tracking-token';

/**
 * Queues the mail that carries a tracking link (a receipt, an e-mail
 * acknowledgement, a recovered link) in the caller's transaction. Only a hash
 * of the token is stored with the report, so the token travels sealed in the
 * job and the job scrubs it once the mail is sent (src/mail/mail-jobs.ts).
 */
export async function queueTrackingLinkMail(
  trx: Transaction<Database> | Kysely<Database>,
  secret: InstanceSecret,
  args: { reportId: string; token: string; mailId?: string; recovery?: boolean },
): Promise<void> {
  await enqueueJob(trx, 'mail-acknowledgement', trackingLinkJob(secret, args));
}

/** The job queueTrackingLinkMail queues, for a statement that inserts it itself (a new report's, src/reports/submit-report.ts). */
export function trackingLinkJob(secret: InstanceSecret, args: { reportId: string; token: string; mailId?: string; recovery?: boolean }): JobPayloads['mail-acknowledgement'] {
  const sealedToken = seal(secret, ACK_TOKEN_PURPOSE, args.reportId, Buffer.from(args.token)).toString('base64');
  return {
    reportId: args.reportId,
    sealedToken,
    ...(args.mailId ? { mailId: args.mailId } : {}),
    ...(args.recovery ? { recovery: true as const } : {}),
  };
}

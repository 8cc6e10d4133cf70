import type { Kysely, Transaction } from 'kysely';
import type { Database, JobKind } from '../db/schema.ts';

export interface JobPayloads {
  'notify-reporter': { eventId: string };
  /** Decrypt, classify and file one stored incoming mail (src/mail-intake/process-inbound.ts). */
  'process-inbound-mail': { mailId: string };
  /**
   * The receipt of a new report (by mail: `mailId` names the mail that created it; by the web form or
   * the API: no `mailId`), or a recovered tracking link (`recovery`). The tracking token exists only at
   * creation, so it travels sealed (src/mail/seal.ts) and is scrubbed from the payload once sent.
   */
  'mail-acknowledgement': { reportId: string; mailId?: string; sealedToken?: string; recovery?: true };
  /**
   * A reporter's request for a lost tracking link: reference and address sealed, bound to `requestId`,
   * and scrubbed once answered (src/reports/recover-tracking-link.ts).
   */
  'recover-tracking-link': { requestId: string; programId: string; sealedRequest?: string };
  /** Looks for near-breach and breached SLA clocks and due digests, then schedules itself again (src/sla-reminders/). */
  'sla-sweep': Record<string, never>;
  /** One SLA reminder, escalation or daily digest; carries ids only and reads fresh data when sent. */
  'sla-mail': { kind: 'reminder'; reminderId: string } | { kind: 'digest'; userId: string; day: string };
  /** A subscriber's confirmation (or "manage your subscription") mail; the one-time token travels sealed and is scrubbed once sent (src/subscriptions/). */
  'subscription-mail': { subscriberId: string; sealedToken?: string };
  /** Fans an advisory revision out to its confirmed subscribers: one 'mail-subscriber' job each (src/subscriptions/notify-subscribers.ts). */
  'notify-subscribers': { advisoryId: string; revision: number };
  /** One advisory notice to one subscriber; its subscriber_notifications row says whether it was already sent. */
  'mail-subscriber': { notificationId: string };
  /** Runs when a confirmation link expires: deletes every subscriber whose link expired unconfirmed (src/subscriptions/). */
  'forget-unconfirmed-subscribers': Record<string, never>;
  /** An invitation or password reset link to a staff member; the token travels sealed and is scrubbed once sent (src/staff/account-links.ts). */
  'staff-account-mail': { linkId: string; sealedToken?: string };
  /** New work for the team (a new report, a reporter's reply or disclosure proposal, a release from quarantine): logs it and queues the immediate mails (src/team-notices/). */
  'notify-team': { eventId: string };
  /** One immediate notice to one staff member; ids only, written from fresh data when sent. */
  'team-mail': { noticeId: string; userId: string };
  /** One person's daily digest of a program's notices (src/team-notices/team-digest.ts). */
  'team-digest': { userId: string; programId: string; day: string };
  /** One signed POST to one webhook; its webhook_deliveries row holds what to send, read fresh (src/webhooks/deliver-webhook.ts). */
  'webhook-delivery': { deliveryId: string };
  /** A mail to an invited party (src/coordination/party-mail.ts): the invitation's link travels sealed and is scrubbed once sent; a share notice carries ids only. */
  'party-mail': { partyId: string; what: 'invitation' | 'shared' | 'disclosure-date'; sealedToken?: string };
  /** One TLP:AMBER early notice to one subscriber (src/early-notices/early-notice-jobs.ts); ids only, the words are read sealed from the notice. */
  'mail-early-notice': { recipientId: string };
}

/**
 * Enqueue inside the caller's transaction: the job exists if and only if the
 * change that caused it committed. The worker runs it after commit.
 */
export async function enqueueJob<K extends JobKind>(
  trx: Transaction<Database> | Kysely<Database>,
  kind: K,
  payload: JobPayloads[K],
  options: { runAt?: Date; maxAttempts?: number } = {},
): Promise<void> {
  await trx
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload),
      ...(options.runAt ? { run_at: options.runAt } : {}),
      ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
    })
    .execute();
}

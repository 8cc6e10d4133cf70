import type { JobKind } from '../db/schema.ts';

/**
 * The worker's lanes. Mail waits on a relay that may be slow or silent, so it
 * has a lane of its own: filing an incoming report never queues behind it.
 * Webhook receivers are other people's servers, slow or silent too: their own lane.
 */
export type Lane = 'mail' | 'work' | 'webhook';

/** How long a job keeps trying: delays double from `firstDelaySeconds` up to `maxDelaySeconds`. */
export interface RetryPolicy {
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  /** Attempts in all, first one included; derived from the span the retries should cover. */
  maxAttempts: number;
}

/** Seconds to wait after failed attempt number `attempt` (1-based). */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.max(0, attempt - 1));
}

/** A retry policy whose attempts, first to last, are spread over at most `spanSeconds`. */
export function retryFor(spanSeconds: number, firstDelaySeconds: number, maxDelaySeconds: number): RetryPolicy {
  const policy = { firstDelaySeconds, maxDelaySeconds, maxAttempts: 1 };
  let waited = 0;
  while (waited + retryDelaySeconds(policy, policy.maxAttempts) <= spanSeconds) {
    waited += retryDelaySeconds(policy, policy.maxAttempts);
    policy.maxAttempts++;
  }
  return policy;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Mail to people outside the team (reporters, subscribers): for a report that
 * came by mail the acknowledgement is the reporter's only way to learn the
 * reference and link, and their server or our relay may be down over a long
 * weekend. About 66 attempts over 5 days, at most 2 hours apart.
 */
export const OUTSIDE_MAIL_RETRIES = retryFor(5 * DAY, MINUTE, 2 * HOUR);
/** Reminders and digests to the team: after a day the next digest says it better. */
export const STAFF_MAIL_RETRIES = retryFor(DAY, MINUTE, HOUR);
/** Processing and fan-out: a failure is usually the database or a bug, which an operator fixes within the day. */
export const WORK_RETRIES = retryFor(DAY, 30, HOUR);
/** Recurring work schedules its next run itself; its own retries only cover a run that could not even finish. */
export const RECURRING_RETRIES = retryFor(30 * DAY, 30, 15 * MINUTE);

/** Webhook deliveries: about 30 attempts over a day, at most an hour apart (the receiver dedupes by webhook-id). */
export const WEBHOOK_RETRIES = retryFor(DAY, 30, HOUR);

/** Every job kind's lane and retry policy; a new kind must choose both. */
export const JOB_KINDS: Record<JobKind, { lane: Lane; retry: RetryPolicy; label: string }> = {
  'notify-reporter': { lane: 'mail', retry: OUTSIDE_MAIL_RETRIES, label: 'Update to the reporter' },
  'mail-acknowledgement': { lane: 'mail', retry: OUTSIDE_MAIL_RETRIES, label: 'Acknowledgement to the reporter' },
  'subscription-mail': { lane: 'mail', retry: OUTSIDE_MAIL_RETRIES, label: 'Subscription confirmation' },
  'mail-subscriber': { lane: 'mail', retry: OUTSIDE_MAIL_RETRIES, label: 'Advisory notice to a subscriber' },
  'sla-mail': { lane: 'mail', retry: STAFF_MAIL_RETRIES, label: 'SLA reminder or digest to the team' },
  'staff-account-mail': { lane: 'mail', retry: STAFF_MAIL_RETRIES, label: 'Invitation or password reset link to a staff member' },
  'team-mail': { lane: 'mail', retry: STAFF_MAIL_RETRIES, label: 'New work notice to a staff member' },
  'team-digest': { lane: 'mail', retry: STAFF_MAIL_RETRIES, label: 'Daily digest of new work to a staff member' },
  'notify-team': { lane: 'work', retry: WORK_RETRIES, label: 'Telling the team of new work' },
  'process-inbound-mail': { lane: 'work', retry: WORK_RETRIES, label: 'Filing a received mail' },
  'notify-subscribers': { lane: 'work', retry: WORK_RETRIES, label: 'Queueing advisory notices' },
  'recover-tracking-link': { lane: 'work', retry: WORK_RETRIES, label: 'Answering a request for a lost tracking link' },
  'forget-unconfirmed-subscribers': { lane: 'work', retry: WORK_RETRIES, label: 'Forgetting unconfirmed subscriptions' },
  'sla-sweep': { lane: 'work', retry: RECURRING_RETRIES, label: 'SLA sweep' },
  'webhook-delivery': { lane: 'webhook', retry: WEBHOOK_RETRIES, label: 'Webhook delivery' },
  'party-mail': { lane: 'mail', retry: OUTSIDE_MAIL_RETRIES, label: 'Mail to an invited party' },
  'mail-early-notice': { lane: 'mail', retry: OUTSIDE_MAIL_RETRIES, label: 'Early customer notice to a subscriber' },
};

/** The kinds that run in `lane`. */
export function kindsIn(lane: Lane): JobKind[] {
  return (Object.keys(JOB_KINDS) as JobKind[]).filter((k) => JOB_KINDS[k].lane === lane);
}

/** A job's attempt budget: its own when it was given one (a retry by hand extends it), else its kind's. */
export function attemptBudget(job: { kind: JobKind; max_attempts: number | null }): number {
  return job.max_attempts ?? JOB_KINDS[job.kind].retry.maxAttempts;
}

import type { AppContext } from '../context.ts';
import { mailJobHandlers } from '../mail/mail-jobs.ts';
import { slaJobHandlers } from '../sla-reminders/sla-mail.ts';
import { subscriptionJobHandlers } from '../subscriptions/subscription-jobs.ts';
import { staffAccountJobHandlers } from '../staff/accounts/account-mail.ts';
import type { JobHandlers } from './worker.ts';

/** The job handlers, wired to the context by hand. */
export function createJobHandlers(ctx: AppContext): JobHandlers {
  return {
    // Mail in and out: reporter notifications, acknowledgements, processing of received mail.
    ...mailJobHandlers(ctx),
    // SLA reminders, escalations and daily digests to staff.
    ...slaJobHandlers(ctx),
    // Customer subscriptions: confirmation mails, advisory notices (fan-out, then one mail per subscriber).
    ...subscriptionJobHandlers(ctx),
    // Invitations and password reset links to staff.
    ...staffAccountJobHandlers(ctx),
  };
}

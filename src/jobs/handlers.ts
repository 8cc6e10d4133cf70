import type { AppContext } from '../context.ts';
import { mailJobHandlers } from '../mail/mail-jobs.ts';
import { slaJobHandlers } from '../sla-reminders/sla-mail.ts';
import { subscriptionJobHandlers } from '../subscriptions/subscription-jobs.ts';
import { staffAccountJobHandlers } from '../staff/accounts/account-mail.ts';
import { pruneTeamNotices, queueTeamDigests } from '../team-notices/team-digest.ts';
import { teamNoticeJobHandlers } from '../team-notices/team-jobs.ts';
import { runHousekeeping } from './housekeeping.ts';
import { webhookJobHandlers } from '../webhooks/deliver-webhook.ts';
import { partyMailJobHandlers } from '../coordination/party-mail.ts';
import { earlyNoticeJobHandlers } from '../early-notices/early-notice-jobs.ts';
import type { JobHandlers } from './worker.ts';

/** The job handlers, wired to the context by hand. */
export function createJobHandlers(ctx: AppContext): JobHandlers {
  const sla = slaJobHandlers(ctx);
  return {
    // Mail in and out: reporter notifications, acknowledgements, processing of received mail.
    ...mailJobHandlers(ctx),
    // SLA reminders, escalations and daily digests to staff.
    ...sla,
    // Housekeeping rides on the recurring sweep (every 15 minutes; it never fails and always comes back)
    // rather than a job kind of its own, which would need a migration of the jobs' kind constraint.
    async 'sla-sweep'(payload, job) {
      await sla['sla-sweep'](payload, job);
      // The team's daily digests of new work come due on the same beat (src/team-notices/).
      try {
        const digests = await queueTeamDigests(ctx.db, new Date(), (err, item) => ctx.logger.error({ err, ...item }, 'team digest: one failed; the others went on'));
        if (digests) ctx.logger.info({ digests }, 'team digests queued');
        await pruneTeamNotices(ctx.db);
      } catch (err) {
        ctx.logger.error({ err }, 'team digests not queued; the next sweep tries again');
      }
      const onError = (err: unknown, table: string) => ctx.logger.error({ err, table }, 'housekeeping: a delete failed; the others went on');
      const deleted = await runHousekeeping(ctx.db, { finishedJobsDays: ctx.config.jobRetentionDays, auditRetentionDays: ctx.config.auditRetentionDays, onError });
      if (Object.values(deleted).some((n) => n > 0)) ctx.logger.info(deleted, 'housekeeping: expired rows deleted');
    },
    // Customer subscriptions: confirmation mails, advisory notices (fan-out, then one mail per subscriber).
    ...subscriptionJobHandlers(ctx),
    // Invitations and password reset links to staff.
    ...staffAccountJobHandlers(ctx),
    // New work for the team: the fan-out, immediate notices and daily digests.
    ...teamNoticeJobHandlers(ctx),
    // Outgoing webhooks: one signed delivery per job (src/webhooks/).
    ...webhookJobHandlers(ctx),
    // Invitations and notices to parties invited into a report (src/coordination/).
    ...partyMailJobHandlers(ctx),
    // TLP:AMBER early notices to the subscribers of the affected products (src/early-notices/).
    ...earlyNoticeJobHandlers(ctx),
  };
}

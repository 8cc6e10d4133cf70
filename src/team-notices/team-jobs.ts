import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { sendStaffMail } from '../mail/staff-mail.ts';
import { noticeNewWork } from './notice-new-work.ts';
import { recordDuplicatesOfSubmission } from '../triage/duplicate-suggestions.ts';
import { teamDigestMail } from './team-digest.ts';
import { teamNoticeMail } from './team-mail.ts';

/** The team-notice job handlers: the fan-out, the immediate mails, the daily digests. */
export function teamNoticeJobHandlers(ctx: AppContext): { 'notify-team': JobHandler<'notify-team'>; 'team-mail': JobHandler<'team-mail'>; 'team-digest': JobHandler<'team-digest'> } {
  return {
    async 'notify-team'(payload) {
      // The first work after a submission's commit, whatever its channel: the duplicate search runs here,
      // off the submission path, before the team is told (src/triage/duplicate-suggestions.ts).
      await recordDuplicatesOfSubmission(ctx.db, ctx.vault, payload.eventId);
      await noticeNewWork(ctx.db, payload.eventId);
    },
    async 'team-mail'(payload) {
      const mail = await teamNoticeMail(ctx, payload);
      if (mail) await sendStaffMail(ctx, mail, 'new work notice');
    },
    async 'team-digest'(payload) {
      const mail = await teamDigestMail(ctx, payload);
      if (mail) await sendStaffMail(ctx, mail, 'new work digest');
    },
  };
}

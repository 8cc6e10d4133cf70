import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { sendStaffMail } from '../mail/staff-mail.ts';
import { noticeNewWork } from './notice-new-work.ts';
import { teamDigestMail } from './team-digest.ts';
import { teamNoticeMail } from './team-mail.ts';

/** The team-notice job handlers: the fan-out, the immediate mails, the daily digests. */
export function teamNoticeJobHandlers(ctx: AppContext): { 'notify-team': JobHandler<'notify-team'>; 'team-mail': JobHandler<'team-mail'>; 'team-digest': JobHandler<'team-digest'> } {
  return {
    async 'notify-team'(payload) {
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

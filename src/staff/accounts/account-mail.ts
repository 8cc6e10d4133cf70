import type { AppContext } from '../../context.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { unseal } from '../../mail/seal.ts';
import { accountLinkPath, LINK_HOURS, LINK_TOKEN_PURPOSE } from './account-links.ts';
import { countMail } from '../../mail/count-mail.ts';

type MailContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'mailer' | 'secret' | 'metrics'>;

/**
 * The 'staff-account-mail' job: an invitation or a password reset link to its
 * owner. The link row is read fresh, so a link replaced, used or voided (the
 * account was deactivated) since it was queued is not sent.
 */
export function staffAccountJobHandlers(ctx: MailContext): { 'staff-account-mail': JobHandler<'staff-account-mail'> } {
  return {
    async 'staff-account-mail'({ linkId, sealedToken }, job) {
      if (!sealedToken) return; // sent and scrubbed already (a stale claim re-run after a crash)
      const scrub = () => ctx.db.updateTable('jobs').set({ payload: JSON.stringify({ linkId }) }).where('id', '=', job.id).execute();
      const link = await ctx.db
        .selectFrom('staff_account_links as l')
        .innerJoin('staff_users as u', 'u.id', 'l.user_id')
        .leftJoin('staff_users as c', 'c.id', 'l.created_by')
        .select(['l.purpose', 'l.used_at', 'l.expires_at', 'u.email', 'u.display_name', 'c.display_name as sender'])
        .where('l.id', '=', linkId)
        .executeTakeFirst();
      if (!link || link.used_at || link.expires_at <= new Date()) return void (await scrub());
      if (!ctx.mailer) {
        ctx.logger.warn({ jobId: job.id, purpose: link.purpose }, 'staff account mail not sent: EMBARGO_SMTP_URL is not set');
        return void (await scrub());
      }
      const token = unseal(ctx.secret, LINK_TOKEN_PURPOSE, linkId, Buffer.from(sealedToken, 'base64')).toString();
      const url = ctx.config.baseUrl.replace(/\/$/, '') + accountLinkPath(link.purpose, token);
      const sender = link.sender ?? 'An operator';
      const hours = LINK_HOURS[link.purpose];
      const mail =
        link.purpose === 'invitation'
          ? {
              subject: 'You are invited to the security team on Embargo',
              lines: [
                `${sender} invited you to the security team's inbox on Embargo.`,
                '',
                'Choose your password here to accept (the link works once, for ' + hours + ' hours):',
                url,
              ],
            }
          : {
              subject: 'Set a new password for Embargo',
              lines: [
                `${sender} sent you a link to set a new password (it works once, for ${hours} hours):`,
                url,
                '',
                'Setting a new password signs you out everywhere. If you did not expect this, tell your administrator.',
              ],
            };
      const text = [`Hello ${link.display_name},`, '', ...mail.lines, '', '-- ', `Embargo at ${ctx.config.baseUrl}`].join('\n');
      await countMail(ctx.metrics, 'account', () => ctx.mailer!.send({ to: link.email, subject: mail.subject, text }));
      ctx.logger.info({ jobId: job.id, purpose: link.purpose }, 'staff account link mailed');
      // Sent: a dump taken later holds no working link. (A failure threw above and keeps it for the retry.)
      await scrub();
    },
  };
}

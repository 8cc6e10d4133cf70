import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { processInboundMail } from '../mail-intake/process-inbound.ts';
import { answerTrackingLinkRequest } from '../reports/recover-tracking-link.ts';
import { ACK_TOKEN_PURPOSE } from './tracking-link-mail.ts';
import { unseal } from './seal.ts';
import { sendPreparedMail } from './send-report-mail.ts';
import { prepareAcknowledgement } from './templates/acknowledgement.ts';
import { senderHasher } from '../triage/sender-hash.ts';
import { prepareReporterUpdate } from './templates/reporter-update.ts';

type MailJobContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'mailer' | 'secret' | 'vault'>;

/** The job handlers of mail in and out, for src/jobs/handlers.ts. */
export function mailJobHandlers(ctx: MailJobContext): {
  'notify-reporter': JobHandler<'notify-reporter'>;
  'process-inbound-mail': JobHandler<'process-inbound-mail'>;
  'mail-acknowledgement': JobHandler<'mail-acknowledgement'>;
  'recover-tracking-link': JobHandler<'recover-tracking-link'>;
} {
  return {
    async 'notify-reporter'({ eventId }, job) {
      await sendPreparedMail(ctx, job, await prepareReporterUpdate(ctx.db, ctx.vault, ctx.config.baseUrl, { eventId }));
    },

    async 'process-inbound-mail'({ mailId }, job) {
      await processInboundMail(ctx, mailId, job.attempt);
    },

    async 'mail-acknowledgement'({ reportId, mailId, sealedToken, recovery }, job) {
      if (!sealedToken) return; // already sent and scrubbed (a stale claim re-run after a crash)
      const token = unseal(ctx.secret, ACK_TOKEN_PURPOSE, reportId, Buffer.from(sealedToken, 'base64')).toString();
      const props = { reportId, token, ...(mailId ? { mailId } : {}), ...(recovery ? { recovery } : {}) };
      await sendPreparedMail(ctx, job, await prepareAcknowledgement(ctx.db, ctx.vault, senderHasher(ctx.secret), ctx.config.baseUrl, props));
      // Sent, refused for good, or decided against: the token is no longer needed, so a database
      // dump taken later holds no tracking link. (A temporary failure threw above and keeps it for the retry.)
      await ctx.db
        .updateTable('jobs')
        .set({ payload: JSON.stringify({ reportId, ...(mailId ? { mailId } : {}), ...(recovery ? { recovery } : {}) }) })
        .where('id', '=', job.id)
        .execute();
    },

    async 'recover-tracking-link'(payload, job) {
      await answerTrackingLinkRequest(ctx, payload, job);
    },
  };
}

import type { AppContext } from '../context.ts';
import type { SubscriberMailTemplate } from '../db/subscription-tables.ts';
import { composeMail, messageIdForJob } from '../mail/compose.ts';
import { MailSendError } from '../mail/mailer.ts';
import { bareAddress, fromHeader, programSigningKey, type SendOutcome } from '../mail/send-report-mail.ts';
import type { RenderedMail } from '../mail/templates/template.ts';
import { blankAddress } from '../mail/blank-address.ts';
import { countMail } from '../mail/count-mail.ts';

type MailContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'mailer' | 'secret' | 'metrics'>;

export interface SubscriberMail {
  subscriberId: string;
  template: SubscriberMailTemplate;
  advisory?: { id: string; revision: number };
  /** The program whose key signs the mail (PGP/MIME, RFC 3156 §5); unsigned without a key. */
  programId?: string;
  vendor: string;
  to: string;
  rendered: RenderedMail;
  unsubscribeUrl: string;
}

/**
 * Sends one mail to a subscriber from a job, with the one-click unsubscribe
 * headers (RFC 8058), and records the attempt whatever happens (without the
 * address). A temporary failure throws so the queue retries with backoff; a
 * permanent refusal (5xx) is recorded and not retried.
 */
export async function sendSubscriberMail(ctx: MailContext, job: { id: string; attempt: number }, mail: SubscriberMail): Promise<SendOutcome> {
  const fromAddress = bareAddress(ctx.config.mail.from);
  const messageId = messageIdForJob(ctx.secret, job.id, fromAddress);
  const record = (result: 'sent' | 'failed' | 'rejected' | 'skipped', smtpResponse: string | null) =>
    ctx.db
      .insertInto('subscriber_mail_deliveries')
      .values({
        job_id: job.id,
        subscriber_id: mail.subscriberId,
        template: mail.template,
        advisory_id: mail.advisory?.id ?? null,
        revision: mail.advisory?.revision ?? null,
        message_id: messageId,
        attempt: job.attempt,
        result,
        smtp_response: smtpResponse === null ? null : blankAddress(smtpResponse, mail.to),
      })
      .execute();
  const log = { jobId: job.id, template: mail.template, subscriberId: mail.subscriberId };
  if (!ctx.mailer) {
    ctx.logger.info(log, 'subscriber mail not sent: EMBARGO_SMTP_URL is not set');
    await record('skipped', 'EMBARGO_SMTP_URL is not set');
    return 'skipped';
  }
  const from = fromHeader(ctx.config.mail.from, mail.vendor);
  const raw = await composeMail({
    from,
    to: mail.to,
    subject: mail.rendered.subject,
    text: mail.rendered.text,
    messageId,
    autoSubmitted: 'auto-generated',
    listUnsubscribe: mail.unsubscribeUrl,
    // Signed with the program key, so customers can tell a real advisory notice from a forged one.
    ...(mail.programId ? { sign: await programSigningKey(ctx, mail.programId) } : {}),
  });
  try {
    const response = await countMail(ctx.metrics, mail.template === 'early-notice' ? 'early-notice' : 'subscriber', () => ctx.mailer!.sendRaw({ from: fromAddress, to: mail.to }, raw));
    await record('sent', response);
    ctx.logger.info(log, 'mail sent to a subscriber');
    return 'sent';
  } catch (err) {
    const e = err instanceof MailSendError ? err : new MailSendError((err as Error).message, false, (err as Error).message);
    await record(e.permanent ? 'rejected' : 'failed', e.response);
    if (e.permanent) {
      ctx.logger.warn(log, 'the relay refused the subscriber mail permanently; not retrying');
      return 'rejected';
    }
    // The error's message may quote the address: rethrow one without it for the jobs table.
    throw new Error(`subscriber mail failed: ${blankAddress(e.response, mail.to)}`);
  }
}

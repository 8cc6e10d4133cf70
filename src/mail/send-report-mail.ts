import type { AppContext } from '../context.ts';
import { unlockKey } from '../keys/key-protection.ts';
import { activeKey } from '../keys/program-keys.ts';
import { composeMail, messageIdForJob } from './compose.ts';
import { recordDelivery, threadHeaders } from './deliveries.ts';
import { blankAddress } from './blank-address.ts';
import { MailSendError } from './mailer.ts';
import { replyAddress } from './reply-address.ts';
import { reporterEncryptionKey } from './reporter-keys.ts';
import type { Prepared } from './templates/template.ts';
import { countMail } from './count-mail.ts';

type MailContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'mailer' | 'secret' | 'vault' | 'metrics'>;

/** The bare address of "Name <addr>" or "addr". */
export function bareAddress(from: string): string {
  const m = /<([^>]+)>\s*$/.exec(from);
  return (m ? m[1]! : from).trim();
}

/** The From header: EMBARGO_MAIL_FROM as given when it names a sender, else "<vendor> Security" <address>. */
export function fromHeader(configuredFrom: string, vendor: string): string {
  return configuredFrom.includes('<') ? configuredFrom : `"${vendor.replace(/["\\]/g, '')} Security" <${bareAddress(configuredFrom)}>`;
}

export type SendOutcome = 'sent' | 'skipped' | 'rejected';

/**
 * Sends what a template prepared, from a job: encrypts and signs when the
 * reporter gave a key, threads it, and records the attempt whatever happens.
 * A temporary failure throws so the queue retries with backoff; a permanent
 * refusal (5xx) is recorded and not retried.
 */
export async function sendPreparedMail(ctx: MailContext, job: { id: string; attempt: number }, prepared: Prepared): Promise<SendOutcome> {
  const log = { jobId: job.id, template: prepared.template, reference: prepared.report?.reference };
  if (!prepared.send) {
    ctx.logger.info({ ...log, reason: prepared.reason }, 'mail not sent');
    if (prepared.to) {
      await recordDelivery(ctx.db, ctx.secret, {
        jobId: job.id, reportId: prepared.report?.id ?? null, template: prepared.template, to: prepared.to,
        messageId: '-', attempt: job.attempt, result: 'skipped', encrypted: false, smtpResponse: prepared.reason,
      });
    }
    return 'skipped';
  }
  const { report, to } = prepared;
  const fromAddress = bareAddress(ctx.config.mail.from);
  const messageId = messageIdForJob(ctx.secret, job.id, fromAddress);
  if (!ctx.mailer) {
    ctx.logger.info(log, 'mail not sent: EMBARGO_SMTP_URL is not set');
    await recordDelivery(ctx.db, ctx.secret, {
      jobId: job.id, reportId: report.id, template: prepared.template, to, messageId,
      attempt: job.attempt, result: 'skipped', encrypted: false, smtpResponse: 'EMBARGO_SMTP_URL is not set',
    });
    return 'skipped';
  }

  const reporterKey = await reporterEncryptionKey(ctx.db, ctx.vault, report.id);
  const signingKey = reporterKey ? await programSigningKey(ctx, report.program.id) : undefined;
  const rendered = prepared.render({ encrypted: Boolean(reporterKey), ...(reporterKey ? { reporterKeyFingerprint: reporterKey.getFingerprint() } : {}) });
  const thread = await threadHeaders(ctx.db, report.id);
  const from = fromHeader(ctx.config.mail.from, report.program.config.vendor);
  const raw = await composeMail({
    from,
    to,
    replyTo: replyAddress(ctx.secret, report.program.config.contactEmail, ctx.config.mail.replyDomain, report.reference),
    subject: rendered.subject,
    text: rendered.text,
    messageId,
    ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
    references: thread.references,
    ...(prepared.autoSubmitted ? { autoSubmitted: prepared.autoSubmitted } : {}),
    ...(reporterKey ? { encrypt: { to: reporterKey, signWith: signingKey } } : {}),
  });

  const attempt = { jobId: job.id, reportId: report.id, template: prepared.template, to, messageId, attempt: job.attempt, encrypted: Boolean(reporterKey) };
  try {
    const response = await countMail(ctx.metrics, 'reporter', () => ctx.mailer!.sendRaw({ from: fromAddress, to }, raw));
    await recordDelivery(ctx.db, ctx.secret, { ...attempt, result: 'sent', smtpResponse: blankAddress(response, to) });
    ctx.logger.info({ ...log, encrypted: attempt.encrypted }, 'mail sent to the reporter');
    return 'sent';
  } catch (err) {
    const e = err instanceof MailSendError ? err : new MailSendError((err as Error).message, false, (err as Error).message);
    // Relays quote the recipient: keep the sealed address out of the stored answer, the log and the job's error.
    const response = blankAddress(e.response ?? e.message, to);
    await recordDelivery(ctx.db, ctx.secret, { ...attempt, result: e.permanent ? 'rejected' : 'failed', smtpResponse: response });
    if (e.permanent) {
      ctx.logger.warn({ ...log, response }, 'the relay refused the mail permanently; not retrying');
      return 'rejected';
    }
    throw new MailSendError(blankAddress(e.message, to), false, response);
  }
}

/** The program's active key, unlocked; undefined (mail goes unsigned, with a warning) when it cannot be opened. */
/** The program's key, unlocked to sign mail; undefined (mail goes out unsigned) without one or when it cannot be opened. */
export async function programSigningKey(ctx: Pick<AppContext, 'db' | 'secret' | 'logger'>, programId: string) {
  const stored = await activeKey(ctx.db, programId);
  if (!stored) return undefined;
  try {
    return await unlockKey(ctx.secret, stored);
  } catch {
    ctx.logger.warn({ fingerprint: stored.fingerprint }, 'the program key cannot be unlocked with this instance secret; mail goes out unsigned');
    return undefined;
  }
}

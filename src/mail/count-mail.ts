import type { Metrics } from '../ops/metrics.ts';
import { MailSendError } from './mailer.ts';

/** Every kind of mail Embargo sends, for `embargo_mail_sent_total{kind}`. */
export const MAIL_KINDS = ['reporter', 'subscriber', 'early-notice', 'staff', 'account', 'party'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * Hands one mail to the relay and counts the attempt by kind and result: sent,
 * rejected (a permanent 5xx refusal) or failed (anything else; the job retries).
 * Every `mailer.send`/`sendRaw` in src/ goes through here (test/ops/mail-metrics.test.ts
 * checks), so the metric covers all outgoing mail, in whichever process sends it.
 */
export async function countMail<T>(metrics: Metrics | undefined, kind: MailKind, send: () => Promise<T>): Promise<T> {
  try {
    const result = await send();
    metrics?.mailSent.inc({ kind, result: 'sent' });
    return result;
  } catch (err) {
    metrics?.mailSent.inc({ kind, result: err instanceof MailSendError && err.permanent ? 'rejected' : 'failed' });
    throw err;
  }
}

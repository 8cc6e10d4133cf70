import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** A relay's refusal. `permanent` (5xx): retrying the same mail will not help. */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The relay's words, or the connection error, for the delivery record. */
    readonly response: string,
  ) {
    super(message);
  }
}

/**
 * Sends mail through the configured relay. Only job handlers call it, never a
 * request or the SMTP listener: a slow or failing relay then delays a job,
 * which is retried with backoff, instead of a reporter's request.
 */
export interface Mailer {
  /** A plain text mail built by nodemailer; throws (the job queue retries). */
  send(mail: OutgoingMail): Promise<void>;
  /** A message composed by src/mail/compose.ts; resolves with the relay's response, rejects with MailSendError. */
  sendRaw(envelope: { from: string; to: string }, raw: Buffer): Promise<string>;
  close(): void;
}

/** nodemailer waits up to 2 minutes to connect and 10 for a silent socket; a relay that never answers would hold a mail job that long. */
export const DEFAULT_SMTP_TIMEOUT_SECONDS = 15;

/** A nodemailer SMTP transport for the configured relay, or undefined when none is configured. */
export function createMailer(smtpUrl: string | undefined, from: string, options: { timeoutSeconds?: number } = {}): Mailer | undefined {
  if (!smtpUrl) return undefined;
  const timeout = (options.timeoutSeconds ?? DEFAULT_SMTP_TIMEOUT_SECONDS) * 1000;
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    async sendRaw(envelope, raw) {
      try {
        const info = await transport.sendMail({ envelope, raw });
        return String(info.response ?? '250');
      } catch (err) {
        const e = err as Error & { responseCode?: number; response?: string; code?: string };
        const code = e.responseCode ?? 0;
        throw new MailSendError(e.message, code >= 500 && code < 600, (e.response ?? `${e.code ?? 'ERROR'} ${e.message}`).slice(0, 1000));
      }
    },
    close: () => transport.close(),
  };
}

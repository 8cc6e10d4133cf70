import type { AppContext } from '../context.ts';
import { blankAddress } from './blank-address.ts';
import type { OutgoingMail } from './mailer.ts';
import { countMail } from './count-mail.ts';

/*
 * Mail to the team (SLA reminders and digests, disclosure-date mails, new-work notices) names a
 * report by its reference and links to its staff page: titles, reporters and details stay behind
 * the sign-in, since relays may read plain mail.
 */

/** A report's staff page. */
export function staffReportUrl(baseUrl: string, reference: string): string {
  return `${baseUrl}/staff/reports/${reference}`;
}

/** The signature of every staff mail; `note` adds a sentence (e.g. where to turn a digest off). */
export function staffMailFooter(baseUrl: string, note?: string): string[] {
  return ['', '-- ', `Embargo at ${baseUrl}${note ? `. ${note}` : ''}`];
}

/** A staff mail's text: the greeting, the paragraphs (a paragraph may hold several lines), the signature. */
export function staffMailText(args: { displayName: string; paragraphs: readonly string[]; baseUrl: string; footerNote?: string }): string {
  const body = args.paragraphs.flatMap((p, i) => (i === 0 ? [p] : ['', p]));
  return [`Hello ${args.displayName},`, '', ...body, ...staffMailFooter(args.baseUrl, args.footerNote)].join('\n');
}

/**
 * Sends a staff mail from a job; without a relay it is logged as not sent (the job
 * still succeeds). A relay's refusal is rethrown without the address (the job
 * queue retries and stores the error, which admins see).
 */
export async function sendStaffMail(ctx: AppContext, mail: OutgoingMail, what: string): Promise<void> {
  if (!ctx.mailer) {
    ctx.logger.info({ what }, 'staff mail not sent: EMBARGO_SMTP_URL is not set');
    return;
  }
  try {
    await countMail(ctx.metrics, 'staff', () => ctx.mailer!.send(mail));
  } catch (err) {
    throw new Error(blankAddress((err as Error).message, mail.to));
  }
}

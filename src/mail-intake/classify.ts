import { stripNul } from '../domain/nul-characters.ts';

/**
 * Who wrote a mail: a person, or a machine answering one. Machines never get
 * an acknowledgement (RFC 3834 §2), so two auto-responders cannot ping-pong
 * through us, and bounces or vacation notices never become reports.
 *
 * - bounce: null envelope sender (RFC 5321 §4.5.5), a delivery status report
 *   (RFC 3464), or mail from MAILER-DAEMON/postmaster;
 * - auto-reply: Auto-Submitted: auto-replied, X-Autoreply/X-Autorespond,
 *   Precedence: auto_reply;
 * - loop: mail from one of our own sending addresses;
 * - automatic: other machine mail (Auto-Submitted: auto-generated,
 *   Precedence: bulk/junk/list, mailing-list headers). Kept as a report or a
 *   reply, since it may be a scanner's real finding, but never acknowledged;
 * - person: everything else.
 */
export type MailKind = 'person' | 'automatic' | 'auto-reply' | 'bounce' | 'loop';

export interface Classified {
  kind: MailKind;
  /** The header or rule that decided, for the log and the evidence record. */
  reason?: string;
}

export function classifyMail(input: {
  /** '' for the null sender; undefined when not known (IMAP). */
  envelopeFrom: string | undefined;
  /** Lower-case header name → first value. */
  header: (name: string) => string | undefined;
  fromAddress: string | undefined;
  ownAddresses: readonly string[];
}): Classified {
  const h = (name: string) => input.header(name)?.trim().toLowerCase();
  const from = input.fromAddress?.toLowerCase();
  if (input.envelopeFrom === '') return { kind: 'bounce', reason: 'null envelope sender <>' };
  const contentType = h('content-type') ?? '';
  if (contentType.startsWith('multipart/report') && /report-type="?(delivery-status|disposition-notification)/.test(contentType)) {
    return { kind: 'bounce', reason: 'delivery or disposition report' };
  }
  if (from && /^(mailer-daemon|postmaster)@/.test(from)) return { kind: 'bounce', reason: `From: ${from}` };
  if (from && input.ownAddresses.some((a) => a.toLowerCase() === from)) return { kind: 'loop', reason: `From is our own address ${from}` };
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && !autoSubmitted.startsWith('no')) {
    return { kind: autoSubmitted.startsWith('auto-replied') ? 'auto-reply' : 'automatic', reason: `Auto-Submitted: ${autoSubmitted}` };
  }
  if (h('x-autoreply') || h('x-autorespond') || h('x-autoresponder')) return { kind: 'auto-reply', reason: 'X-Autoreply header' };
  const precedence = h('precedence');
  if (precedence === 'auto_reply') return { kind: 'auto-reply', reason: 'Precedence: auto_reply' };
  if (precedence && ['bulk', 'junk', 'list'].includes(precedence)) return { kind: 'automatic', reason: `Precedence: ${precedence}` };
  if (h('list-id') || h('list-unsubscribe')) return { kind: 'automatic', reason: 'mailing list headers' };
  return { kind: 'person' };
}

/** Message-IDs in an In-Reply-To or References value, without angle brackets. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  // NUL cannot be stored or looked up in PostgreSQL text; no real Message-ID holds one.
  return [...stripNul(value).matchAll(/<([^<>\s]{1,500})>/g)].map((m) => m[1]!).slice(-50);
}

import type * as openpgp from 'openpgp';
import { defaultCreditChoice, type ReportSubmission } from '../domain/report-input.ts';
import type { Program } from '../programs/programs.ts';
import type { UploadedFile } from '../reports/attachments.ts';
import type { OpenedMail } from './read-mail.ts';

/** What the form asks for and a mail does not say. */
export const PLACEHOLDER = '(see description)';
/** Attachments imported from one mail; the rest stay in the stored original. */
export const MAX_MAIL_ATTACHMENTS = 20;
const MAX_DESCRIPTION = 50_000;

/** "Re: Fwd: AW: x" → "x". */
export function cleanSubject(subject: string): string {
  return subject.replace(/^(\s*(re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+/i, '').replace(/\s+/g, ' ').trim();
}

/** The one product named in the subject or the start of the text, else "other". */
function guessProduct(program: Program, subject: string, text: string): string {
  const haystack = `${subject}\n${text.slice(0, 4000)}`.toLowerCase();
  const named = program.config.products.filter((p) => haystack.includes(p.name.toLowerCase()));
  return named.length === 1 ? named[0]!.id : 'other';
}

/** Notes for staff about what the mail's crypto did, placed before the text. */
export function cryptoNotes(mail: Pick<OpenedMail, 'decryption' | 'problems'>): string[] {
  if (mail.decryption !== 'failed') return [];
  return [
    `[Embargo: part of this e-mail could not be decrypted or read: ${mail.problems.join('; ')}. ` +
      'What could not be opened is attached as it arrived, and the original e-mail is kept as evidence.]',
  ];
}

/** Applies the attachment limits; what is left out is named in a note (the raw mail keeps it). */
export function limitFiles(files: UploadedFile[], maxBytes: number): { files: UploadedFile[]; note: string | undefined } {
  const kept: UploadedFile[] = [];
  const dropped: string[] = [];
  for (const f of files) {
    if (kept.length < MAX_MAIL_ATTACHMENTS && f.content.length <= maxBytes) kept.push(f);
    else dropped.push(`${f.filename} (${f.content.length} bytes)`);
  }
  const note = dropped.length
    ? `[Embargo: ${dropped.length} attachment(s) exceeded the limits (${MAX_MAIL_ATTACHMENTS} files, ${maxBytes} bytes each) and were not imported: ` +
      `${dropped.slice(0, 10).join(', ')}${dropped.length > 10 ? ', …' : ''}. They are in the original e-mail, kept as evidence.]`
    : undefined;
  return { files: kept, note };
}

/** A body too long for the description field travels whole as message.txt. */
export function fitDescription(text: string): { text: string; overflow: UploadedFile | undefined } {
  if (text.length <= MAX_DESCRIPTION) return { text, overflow: undefined };
  const note = '\n\n[Embargo: the message is longer than the description field; the full text is attached as message.txt.]';
  return {
    text: text.slice(0, MAX_DESCRIPTION - note.length) + note,
    overflow: { filename: 'message.txt', contentType: 'text/plain; charset=utf-8', content: Buffer.from(text, 'utf8') },
  };
}

/**
 * A new report from a mail: title from the subject, description from the
 * text, placeholders for the structured fields, the current policy version,
 * and the credit the program's policy gives when the reporter does not choose
 * (as the form preselects it): by the sender's name under "unless-declined"
 * (anonymous when the From header has none), nobody under "on-request". The
 * reporter can change it on the tracking page.
 */
export function mailToSubmission(program: Program, mail: OpenedMail, notes: string[]): ReportSubmission {
  const subject = cleanSubject(mail.subject).slice(0, 200);
  const body = mail.text.replace(/\r\n/g, '\n').trim();
  const description = [...cryptoNotes(mail), ...notes, body || '(The e-mail had no text; see the attachments.)'].join('\n\n');
  return {
    title: subject.length >= 5 ? subject : `E-mail report${subject ? `: ${subject}` : ''}`,
    product: guessProduct(program, subject, body),
    productVersion: PLACEHOLDER,
    vulnerabilityType: 'other',
    description,
    stepsToReproduce: PLACEHOLDER,
    impact: PLACEHOLDER,
    cvssVector: undefined,
    reporterName: mail.from?.name?.slice(0, 200),
    reporterHandle: undefined,
    reporterEmail: mail.from?.address.slice(0, 320),
    creditPreference: defaultCreditChoice(program.config.credit),
    acceptPolicy: 'yes',
    policyVersion: program.policy.version,
  };
}

/**
 * The text of a reply without the quoted history mail clients append (our own
 * mail, which the thread already shows). Kept whole when nothing is left.
 */
export function stripQuotedTail(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let end = lines.length;
  while (end > 0 && (lines[end - 1]!.startsWith('>') || lines[end - 1]!.trim() === '')) end--;
  if (end > 0 && /^(On .{3,200} wrote:|Am .{3,200} schrieb .{1,200}:|Le .{3,200} a écrit ?:)$/.test(lines[end - 1]!.trim())) end--;
  const stripped = lines.slice(0, end).join('\n').trim();
  return stripped || text.trim();
}

/** The key to encrypt to: one naming the From address, else the signer's, else the only one attached. */
export function chooseSenderKey(keys: openpgp.PublicKey[], fromAddress: string | undefined, signer: string | undefined): openpgp.PublicKey | undefined {
  const from = fromAddress?.toLowerCase();
  const byUid = from ? keys.find((k) => k.getUserIDs().some((uid) => uid.toLowerCase().includes(`<${from}>`) || uid.toLowerCase() === from)) : undefined;
  return byUid ?? keys.find((k) => k.getFingerprint().toLowerCase() === signer) ?? (keys.length === 1 ? keys[0] : undefined);
}

import { sql } from 'kysely';
import type { ReportVault } from '../../crypto/report-vault.ts';
import type { Db } from '../../db/database.ts';
import { activeKeyInfo } from '../../keys/program-keys.ts';
import { firstResponseWords } from '../../policy/promise-words.ts';
import type { SenderHasher } from '../../triage/sender-hash.ts';
import { detailsAllowed, footer, loadReportForMail, type Prepared, type RenderOptions, type ReportForMail } from './template.ts';
import { programBaseUrl } from '../../programs/program-hosts.ts';

/**
 * At most this many acknowledgements to one address per hour: a forged From
 * cannot turn the listener into a mail cannon aimed at someone else. (The
 * acknowledgement never quotes the incoming mail either, so it carries
 * nothing of a forger's choosing.)
 */
export const ACK_LIMIT_PER_HOUR = 5;

export interface AcknowledgementProps {
  reportId: string;
  /** The inbound mail that created the report; absent for a receipt of the web form or the API. */
  mailId?: string;
  /** The tracking token; exists only until this mail is sent. */
  token: string;
  /** A new link the reporter asked for (src/reports/recover-tracking-link.ts), not a receipt. */
  recovery?: boolean;
}

/** Where a reporter who lost their tracking link asks for a new one. */
export function recoverUrl(baseUrl: string): string {
  return `${baseUrl}/track/recover`;
}

/** The sentence every mail that mentions the tracking link carries. */
export function lostLinkLine(baseUrl: string): string {
  return `Lost your tracking link? Ask for a new one with the report's reference and your e-mail address at ${recoverUrl(baseUrl)} (the old link then stops working).`;
}

/** The receipt for a report that came by e-mail: reference, tracking link, what happens next. */
export async function prepareAcknowledgement(db: Db, vault: ReportVault, hasher: SenderHasher, baseUrl: string, props: AcknowledgementProps): Promise<Prepared> {
  const template = 'acknowledgement' as const;
  const report = await loadReportForMail(db, vault, props.reportId);
  if (!report) return { send: false, reason: 'the report no longer exists', template };
  if (!report.reporterEmail) return { send: false, reason: 'the report has no reporter address', template, report };
  const to = report.reporterEmail;
  const recent = await db
    .selectFrom('mail_deliveries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    // By keyed hash (mail_deliveries_to_hash): the table keeps no address in clear.
    .where('to_address_hash', '=', hasher.email(to))
    .where('template', '=', template)
    .where('result', '=', 'sent')
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= ACK_LIMIT_PER_HOUR) {
    return { send: false, reason: `more than ${ACK_LIMIT_PER_HOUR} acknowledgements to this address in the last hour`, template, report, to };
  }
  const { program } = report;
  baseUrl = programBaseUrl(baseUrl, program); // the reporter's links are on the program's own host
  const trackUrl = `${baseUrl}/track/${props.token}`;
  if (!props.mailId) return prepareWebReceipt(report, to, trackUrl, baseUrl, Boolean(props.recovery));
  const mail = await db.selectFrom('inbound_mails').select(['decryption', 'detail', 'received_at']).where('id', '=', props.mailId).executeTakeFirst();
  const key = await activeKeyInfo(db, report.program.id);

  return {
    send: true,
    template,
    report,
    to,
    autoSubmitted: 'auto-replied',
    render(options: RenderOptions) {
      const received = (mail?.received_at ?? report.createdAt).toISOString().replace('T', ' ').slice(0, 16);
      const lines = [
        'Hello,',
        '',
        `Thank you for reporting a vulnerability to ${program.config.vendor}. We received your e-mail on ${received} UTC and filed it as ${report.reference}.`,
      ];
      if (mail?.decryption === 'failed') {
        lines.push(
          '',
          `We could not decrypt your message: ${mail.detail ?? 'unknown reason'}.`,
          'It is stored safely, but we cannot read it yet. Please encrypt it to our current key' +
            (key ? ` (fingerprint ${key.fingerprint}, ${baseUrl}/pgp-key.txt)` : ` (${baseUrl}/pgp-key.txt)`) +
            ' and send it again as a reply to this mail.',
        );
      }
      // One paragraph per line: quoted-printable wraps them invisibly and clients reflow them.
      lines.push(
        '',
        'Your private tracking link. Use it to follow the report, write to us, and choose how we credit you (until you choose, we credit you as "an anonymous researcher"):',
        '',
        `  ${trackUrl}`,
        '',
        'Keep this link to yourself: anyone who has it can read the report and write to us as you. You can also simply reply to this e-mail; your reply joins the report.',
        '',
        lostLinkLine(baseUrl),
        '',
        `We will respond ${firstResponseWords(program.config.sla)}.`,
        '',
      );
      if (options.encrypted) {
        lines.push(`This mail is encrypted to your OpenPGP key ${options.reporterKeyFingerprint?.toUpperCase() ?? ''} and signed with ours; our mail about this report will be too.`);
      } else if (detailsAllowed(program, options)) {
        lines.push('This mail is not encrypted because we have no OpenPGP key of yours. Attach your public key to a reply to receive encrypted mail.');
      } else {
        lines.push(
          'This mail is not encrypted because we have no OpenPGP key of yours, so our later mail will only tell you that something changed, never what. Attach your public key to a reply to receive the details by encrypted mail.',
        );
      }
      lines.push(...footer(program, baseUrl));
      return { subject: `[${report.reference}] We received your vulnerability report`, text: lines.join('\n') };
    },
  };
}

/**
 * The receipt of a report sent with the web form or the API, or a recovered link. The tracking link
 * travels only where the program lets details travel (encrypted to the reporter's key, or
 * `mail.unencryptedDetails: "full"`): a receipt is not worth weakening that rule, since the link was
 * on the page after submitting. A recovered link is sent in any case, because the reporter asked for
 * it at this very address; without a key it says so.
 */
function prepareWebReceipt(report: ReportForMail, to: string, trackUrl: string, baseUrl: string, recovery: boolean): Prepared {
  const { program } = report;
  return {
    send: true,
    template: 'acknowledgement',
    report,
    to,
    autoSubmitted: 'auto-replied',
    render(options: RenderOptions) {
      const withLink = recovery || detailsAllowed(program, options);
      const lines = ['Hello,', ''];
      if (recovery) {
        lines.push(
          `Someone, hopefully you, asked for a new tracking link for your vulnerability report ${report.reference} to ${program.config.vendor}. Here it is; the link you had before no longer works.`,
        );
      } else {
        const received = report.createdAt.toISOString().replace('T', ' ').slice(0, 16);
        lines.push(`Thank you for reporting a vulnerability to ${program.config.vendor}. We received your report on ${received} UTC as ${report.reference}.`);
      }
      if (withLink) {
        lines.push(
          '',
          'Your private tracking link. Use it to follow the report, write to us, and choose how we credit you:',
          '',
          `  ${trackUrl}`,
          '',
          'Keep this link to yourself: anyone who has it can read the report and write to us as you. You can also simply reply to this e-mail; your reply joins the report.',
        );
      } else {
        lines.push(
          '',
          'Your private tracking link was shown on the page after you submitted the report. For your safety we do not send it by unencrypted mail. You can also simply reply to this e-mail; your reply joins the report.',
        );
      }
      lines.push('', lostLinkLine(baseUrl));
      if (!recovery) lines.push('', `We will respond ${firstResponseWords(program.config.sla)}.`);
      lines.push('');
      if (options.encrypted) {
        lines.push(`This mail is encrypted to your OpenPGP key ${options.reporterKeyFingerprint?.toUpperCase() ?? ''} and signed with ours; our mail about this report will be too.`);
      } else if (recovery && !detailsAllowed(program, options)) {
        lines.push('This mail is not encrypted because we have no OpenPGP key of yours. You asked for the link, so it is here anyway; our other mail will only tell you that something changed, never what. Attach your public key to a reply to receive encrypted mail.');
      } else if (detailsAllowed(program, options)) {
        lines.push('This mail is not encrypted because we have no OpenPGP key of yours. Attach your public key to a reply to receive encrypted mail.');
      } else {
        lines.push(
          'This mail is not encrypted because we have no OpenPGP key of yours, so our later mail will only tell you that something changed, never what. Attach your public key to a reply to receive the details by encrypted mail.',
        );
      }
      lines.push(...footer(program, baseUrl));
      const subject = recovery ? `[${report.reference}] Your new tracking link` : `[${report.reference}] We received your vulnerability report`;
      return { subject, text: lines.join('\n') };
    },
  };
}

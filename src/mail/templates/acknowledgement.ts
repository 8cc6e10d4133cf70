import { sql } from 'kysely';
import type { ReportVault } from '../../crypto/report-vault.ts';
import type { Db } from '../../db/database.ts';
import { activeKeyInfo } from '../../keys/program-keys.ts';
import { firstResponseWordsIn } from '../../policy/promise-words.ts';
import { translator, type Translator } from '../../i18n/translator.ts';
import type { SenderHasher } from '../../triage/sender-hash.ts';
import { detailsAllowed, footer, loadReportForMail, mailMoment, type Prepared, type RenderOptions, type ReportForMail } from './template.ts';
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
export function lostLinkLine(baseUrl: string, t: Translator = translator('en')): string {
  return t.t('mail.lostLink', { url: recoverUrl(baseUrl) });
}

/** The closing sentence on encryption, the same in every mail that carries the tracking link. */
function encryptionLine(t: Translator, options: RenderOptions, details: boolean): string {
  if (options.encrypted) return t.t('mail.encrypted', { fingerprint: options.reporterKeyFingerprint?.toUpperCase() ?? '' });
  return details ? t.t('mail.unencryptedFull') : t.t('mail.unencryptedNotice');
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
      const tr = report.t;
      const { t } = tr;
      const received = mailMoment(report, mail?.received_at ?? report.createdAt);
      const lines = [t('mail.hello'), '', t('mail.ack.thanksEmail', { vendor: program.config.vendor, received, reference: report.reference })];
      if (mail?.decryption === 'failed') {
        lines.push(
          '',
          t('mail.ack.undecryptable', { detail: mail.detail ?? t('mail.ack.unknownReason') }),
          t('mail.ack.encryptAgain', { withKey: key ? 'yes' : 'no', fingerprint: key?.fingerprint ?? '', keyUrl: `${baseUrl}/pgp-key.txt` }),
        );
      }
      // One paragraph per line: quoted-printable wraps them invisibly and clients reflow them.
      lines.push(
        '',
        t('mail.ack.linkIntroAnonymous'),
        '',
        `  ${trackUrl}`,
        '',
        t('mail.ack.keepLink'),
        '',
        lostLinkLine(baseUrl, tr),
        '',
        t('mail.weRespond', { promise: firstResponseWordsIn(tr, program.config.sla) }),
        '',
      );
      lines.push(encryptionLine(tr, options, detailsAllowed(program, options)));
      lines.push(...footer(program, baseUrl, tr));
      return { subject: t('mail.ack.subject', { reference: report.reference }), text: lines.join('\n') };
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
      const tr = report.t;
      const { t } = tr;
      const withLink = recovery || detailsAllowed(program, options);
      const lines = [t('mail.hello'), ''];
      if (recovery) {
        lines.push(t('mail.ack.recovery', { reference: report.reference, vendor: program.config.vendor }));
      } else {
        lines.push(t('mail.ack.thanksWeb', { vendor: program.config.vendor, received: mailMoment(report, report.createdAt), reference: report.reference }));
      }
      if (withLink) {
        lines.push('', t('mail.ack.linkIntro'), '', `  ${trackUrl}`, '', t('mail.ack.keepLink'));
      } else {
        lines.push('', t('mail.ack.linkOnPage'));
      }
      lines.push('', lostLinkLine(baseUrl, tr));
      if (!recovery) lines.push('', t('mail.weRespond', { promise: firstResponseWordsIn(tr, program.config.sla) }));
      lines.push('');
      if (!options.encrypted && recovery && !detailsAllowed(program, options)) lines.push(t('mail.unencryptedRecovery'));
      else lines.push(encryptionLine(tr, options, detailsAllowed(program, options)));
      lines.push(...footer(program, baseUrl, tr));
      const subject = recovery ? t('mail.ack.recoverySubject', { reference: report.reference }) : t('mail.ack.subject', { reference: report.reference });
      return { subject, text: lines.join('\n') };
    },
  };
}

import type { ReportVault } from '../../crypto/report-vault.ts';
import type { Db } from '../../db/database.ts';
import type { MailTemplateName } from '../../db/schema.ts';
import { loadProgram, type Program } from '../../programs/programs.ts';
import { openReporter } from '../../reports/report-contents.ts';
import { mailLanguage } from '../../i18n/mail-language.ts';
import { translator, type Translator } from '../../i18n/translator.ts';

/** What a template renders: plain text only (no HTML to sanitise, nothing remote to load). */
export interface RenderedMail {
  subject: string;
  text: string;
}

/** How the mail will travel; templates decide what they may say from it. */
export interface RenderOptions {
  /** Encrypted to the reporter's key and signed: details may be included. */
  encrypted: boolean;
  /** Fingerprint of the reporter's key, when encrypted. */
  reporterKeyFingerprint?: string;
}

/**
 * A template's decision after reloading fresh data: a mail to send, or a
 * reason not to (the report was erased, the reporter gave no address…).
 * Props carry ids only, so a job retried an hour later tells the truth of now.
 */
export type Prepared =
  | {
      send: true;
      template: MailTemplateName;
      report: ReportForMail;
      to: string;
      autoSubmitted?: 'auto-replied' | 'auto-generated';
      render(options: RenderOptions): RenderedMail;
    }
  | { send: false; reason: string; template: MailTemplateName; report?: ReportForMail; to?: string };

export interface ReportForMail {
  id: string;
  reference: string;
  channel: string;
  state: string;
  reporterEmail: string | null;
  createdAt: Date;
  program: Program;
  /** The reporter's language (docs/languages.md): every mail to them is written in it. */
  t: Translator;
}

/** The report as mail needs it, fresh (the reporter's address opened from the vault); undefined when it no longer exists. */
export async function loadReportForMail(db: Db, vault: ReportVault, reportId: string): Promise<ReportForMail | undefined> {
  const row = await db
    .selectFrom('reports')
    .select(['id', 'reference', 'channel', 'state', 'data_key', 'reporter_sealed', 'created_at', 'program_id', 'language'])
    .where('id', '=', reportId)
    .executeTakeFirst();
  if (!row) return undefined;
  const program = await loadProgram(db, { id: row.program_id });
  if (!program) return undefined;
  const reporterEmail = openReporter(vault, row).email;
  return { id: row.id, reference: row.reference, channel: row.channel, state: row.state, reporterEmail, createdAt: row.created_at, program, t: translator(mailLanguage(program, row.language)) };
}

/** May unencrypted mail of this program carry details? (program config `mail.unencryptedDetails`) */
export function detailsAllowed(program: Program, options: RenderOptions): boolean {
  return options.encrypted || program.config.mail?.unencryptedDetails === 'full';
}

/** The closing lines every mail shares. */
export function footer(program: Program, baseUrl: string, t: Translator = translator('en')): string[] {
  return ['', '-- ', t.t('mail.signature', { vendor: program.config.vendor }), t.t('mail.policyLine', { url: `${baseUrl}/policy` })];
}

/** A moment in a reporter's mail: their language, the program's zone, the zone named. */
export function mailMoment(report: Pick<ReportForMail, 't' | 'program'>, d: Date): string {
  return report.t.dateTime(d, report.program.config.calendar.timeZone);
}

/** "> " before every line, as mail clients quote. */
export function quote(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => (l === '' ? '>' : `> ${l}`))
    .join('\n');
}

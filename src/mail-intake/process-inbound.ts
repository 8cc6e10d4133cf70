import type * as openpgp from 'openpgp';
import type { AppContext } from '../context.ts';
import type { InboundMailOutcome } from '../db/schema.ts';
import { decryptionKeys } from '../keys/program-keys.ts';
import { matchProgramAddress } from '../mail/reply-address.ts';
import { reporterEncryptionKey, storeReporterKey, validateReporterKey, type ValidatedReporterKey } from '../mail/reporter-keys.ts';
import { unseal } from '../mail/seal.ts';
import { queueTrackingLinkMail } from '../mail/tracking-link-mail.ts';
import { bareAddress } from '../mail/send-report-mail.ts';
import { loadProgram } from '../programs/programs.ts';
import { postReporterReply } from '../reports/report-actions.ts';
import { screenSubmission } from '../triage/spam-signals.ts';
import { submitReport } from '../reports/submit-report.ts';
import { classifyMail } from './classify.ts';
import { chooseSenderKey, cryptoNotes, fitDescription, limitFiles, mailToSubmission, stripQuotedTail } from './mail-to-report.ts';
import { header, parseEntity } from './mime-split.ts';
import { clean, readMail, type OpenedMail } from './read-mail.ts';
import { headerRecipients } from './recipients.ts';
import { openEnvelopeFrom, RAW_MAIL_PURPOSE, sealSigner, sealSignerUserIds } from './store-inbound.ts';
import { findThread } from './thread-match.ts';
import { negotiateLanguage } from '../i18n/accept-language.ts';
import type { Language } from '../i18n/languages.ts';

type IntakeContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'secret' | 'vault'>;


/**
 * The job behind every stored mail: open it (PGP/MIME, inline PGP), decide
 * whether a person or a machine wrote it, and file it as a new report (with
 * an acknowledgement), as a reply on its thread, or as evidence only. Runs
 * once per mail: a mail already filed is skipped. Only database errors throw
 * (and are retried); anything about the mail's content becomes an outcome.
 */
export async function processInboundMail(ctx: IntakeContext, mailId: string, attempt = 1): Promise<void> {
  const { db, logger } = ctx;
  const row = await db.selectFrom('inbound_mails').selectAll().where('id', '=', mailId).executeTakeFirst();
  if (!row || row.outcome !== 'pending') return;
  const program = await loadProgram(db, { id: row.program_id });
  if (!program) return;
  const raw = unseal(ctx.secret, RAW_MAIL_PURPOSE, row.id, row.raw_sealed);
  const log = { mailId, source: row.source };

  // The per-report reply address is a capability: it outranks threading headers.
  const outer = parseEntity(raw);
  let thread: { reportId: string; reference: string; via: 'reply-address' | 'message-id' } | undefined;
  for (const address of [...row.envelope_to, ...(row.source === 'imap' ? headerRecipients(outer) : [])]) {
    const match = matchProgramAddress(ctx.secret, address, program.config.contactEmail, ctx.config.mail.replyDomain);
    if (match?.kind !== 'reply') continue;
    const report = await db.selectFrom('reports').select(['id', 'reference']).where('reference', '=', match.reference).where('program_id', '=', program.id).executeTakeFirst();
    if (report) thread = { reportId: report.id, reference: report.reference, via: 'reply-address' };
    if (thread) break;
  }

  const keys = await decryptionKeys(db, ctx.secret, program.id, (fpr) => logger.error({ fingerprint: fpr }, 'a program key cannot be unlocked with this instance secret; mail to it cannot be decrypted'));
  const known = thread ? await reporterEncryptionKey(db, ctx.vault, thread.reportId) : undefined;
  // After repeated failures that were not the database being away, file the mail unread rather than never.
  const mail = attempt >= SAFE_MODE_AFTER ? unreadMail(raw, 'earlier attempts to read it failed') : await readSafely(ctx, raw, keys, known ? [known] : []);
  if (!thread) {
    const found = await findThread(db, program.id, mail.threadIds);
    if (found) thread = { ...found, via: 'message-id' };
  }
  const kind = classifyMail({
    envelopeFrom: openEnvelopeFrom(ctx.secret, row),
    header: (name) => header(outer, name),
    fromAddress: mail.from?.address,
    ownAddresses: [bareAddress(ctx.config.mail.from), program.config.contactEmail],
  });
  const crypto = {
    decryption: mail.decryption,
    signature: mail.signature,
    signer_fingerprint_sealed: mail.signerFingerprint ? sealSigner(ctx.secret, mailId, mail.signerFingerprint) : null,
    signer_user_ids_sealed: mail.signerUserIds?.length ? sealSignerUserIds(ctx.secret, mailId, mail.signerUserIds) : null,
    detail: [kind.reason, ...mail.problems].filter(Boolean).join('; ').slice(0, 2000) || null,
  };
  const finish = (outcome: InboundMailOutcome, reportId: string | null) =>
    db.updateTable('inbound_mails').set({ outcome, report_id: reportId, processed_at: new Date(), ...crypto }).where('id', '=', mailId).where('outcome', '=', 'pending').execute();

  if (kind.kind === 'bounce' || kind.kind === 'auto-reply' || kind.kind === 'loop') {
    // Kept as evidence on the thread it answers; never a report, never answered.
    await finish(kind.kind === 'loop' ? 'ignored' : kind.kind, thread?.reportId ?? null);
    logger.info({ ...log, kind: kind.kind, reason: kind.reason, reference: thread?.reference }, 'automatic mail stored, not acknowledged');
    return;
  }
  const senderKey = await usableSenderKey(mail, logger);

  if (thread) {
    const { files, note } = limitFiles(mail.files, ctx.config.uploads.maxBytes);
    const body = [...cryptoNotes(mail), ...(note ? [note] : []), stripQuotedTail(mail.text) || '(The e-mail had no text; see the attachments.)'].join('\n\n');
    const fitted = fitDescription(body);
    // Two steps, not one transaction (postReporterReply opens its own): a crash between them
    // can at worst post the reply twice on retry, never lose it.
    await postReporterReply(db, ctx.vault, { reportId: thread.reportId, body: fitted.text, files: fitted.overflow ? [...files, fitted.overflow] : files });
    // A new key only from someone who holds the reply address: threading headers are easier to forge.
    if (senderKey && thread.via === 'reply-address') await storeReporterKey(db, ctx.vault, thread.reportId, senderKey, 'email');
    await finish('reply', thread.reportId);
    logger.info({ ...log, reference: thread.reference, via: thread.via, decryption: mail.decryption, signature: mail.signature }, 'mail joined the report thread');
    return;
  }

  const { files, note } = limitFiles(mail.files, ctx.config.uploads.maxBytes);
  const input = mailToSubmission(program, mail, note ? [note] : []);
  const fitted = fitDescription(input.description);
  // The same spam signals as the web form (blocked sender, per-address volume, low effort): quarantine, never drop.
  const screen = await screenSubmission(db, ctx.secret, { programId: program.id, input });
  const created = await submitReport(db, ctx.vault, {
    program,
    input: { ...input, description: fitted.text },
    files: fitted.overflow ? [...files, fitted.overflow] : files,
    channel: 'email',
    // A mail that names its language (Content-Language, RFC 3282) is answered in it when the program offers it; else the default.
    ...(mailLanguageOf(header(outer, 'content-language'), program) ?? {}),
    ...(senderKey ? { reporterKey: senderKey } : {}),
    withinTransaction: async (trx, report) => {
      await screen(trx, report);
      await trx
        .updateTable('inbound_mails')
        .set({ outcome: 'new-report', report_id: report.id, processed_at: new Date(), ...crypto })
        .where('id', '=', mailId)
        .execute();
      // Machines get no acknowledgement (no loops); a person gets the tracking link, which exists only now.
      if (kind.kind === 'person' && input.reporterEmail) {
        await queueTrackingLinkMail(trx, ctx.secret, { reportId: report.id, token: report.trackingToken, mailId });
      }
    },
  });
  logger.info(
    { ...log, reference: created.reference, kind: kind.kind, decryption: mail.decryption, signature: mail.signature, attachments: files.length },
    'mail filed as a new report',
  );
}

/** Attempts after which a mail is filed unread (with the original attached) instead of retried as is. */
const SAFE_MODE_AFTER = 3;

/** readMail, with a last resort: a bug in parsing must not strand a mail as "pending" forever. */
async function readSafely(ctx: IntakeContext, raw: Buffer, keys: openpgp.PrivateKey[], known: openpgp.PublicKey[]): Promise<OpenedMail> {
  try {
    return await readMail(raw, keys, known, { maxDecompressedBytes: Math.max(4 * ctx.config.mail.intake.maxBytes, 64 * 1024 * 1024) });
  } catch (err) {
    ctx.logger.error({ err: (err as Error).message }, 'could not read a stored mail; filing it unread');
    return unreadMail(raw, (err as Error).message);
  }
}

/** A mail filed without reading it: the original travels as an attachment for staff to open. */
function unreadMail(raw: Buffer, reason: string): OpenedMail {
  const outer = parseEntity(raw);
  return {
    outer,
    from: undefined,
    subject: clean(header(outer, 'subject') ?? '').slice(0, 200),
    messageId: undefined,
    threadIds: [],
    text: '',
    files: [{ filename: 'original.eml', contentType: 'message/rfc822', content: raw }],
    senderKeys: [],
    decryption: 'failed',
    signature: 'unsigned',
    signerFingerprint: undefined,
    problems: [clean(`Embargo could not read this e-mail (${reason})`)],
  };
}

/** The sender's attached key, validated; an unusable one is noted in the mail's problems, not fatal. */
async function usableSenderKey(mail: OpenedMail, logger: IntakeContext['logger']): Promise<ValidatedReporterKey | undefined> {
  const key = chooseSenderKey(mail.senderKeys, mail.from?.address, mail.signerFingerprint);
  if (!key) return undefined;
  try {
    return await validateReporterKey(key.armor());
  } catch (err) {
    logger.info({ reason: (err as Error).message }, 'the key attached to a mail cannot be used');
    return undefined;
  }
}

/** The language a mail's Content-Language names, among those the program offers (undefined: none named or offered). */
function mailLanguageOf(contentLanguage: string | undefined, program: { config: { languages: { offered: readonly Language[] } } }): { language: Language } | undefined {
  const language = contentLanguage ? negotiateLanguage(contentLanguage, program.config.languages.offered) : undefined;
  return language ? { language } : undefined;
}

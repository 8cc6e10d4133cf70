import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Channel, Database } from '../db/schema.ts';
import { channelShowsPolicy } from '../domain/policy-acceptance.ts';
import { formatReference } from '../domain/reference.ts';
import { resolveCredit, type ReportSubmission } from '../domain/report-input.ts';
import { hashToken, newToken } from '../domain/tokens.ts';
import { ValidationError } from '../errors.ts';
import { storeReporterKey, type ValidatedReporterKey } from '../mail/reporter-keys.ts';
import { queueTrackingLinkMail } from '../mail/tracking-link-mail.ts';
import type { Program } from '../programs/programs.ts';
import type { Language } from '../i18n/languages.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { programSla } from '../sla/report-clocks.ts';
import { computeSlaClocks, nextDeadline } from '../sla/sla-clocks.ts';
import type { SubmissionAssessment } from '../triage/spam-signals.ts';
import { storeAttachments, type UploadedFile } from './attachments.ts';
import { recordEvent } from './record-event.ts';
import { reportKey, sealReport } from './report-contents.ts';

export interface SubmittedReport {
  id: string;
  reference: string;
  /** Shown once to the reporter; only its hash is stored. */
  trackingToken: string;
}

/**
 * Stores a new report, its attachments and its first event in one
 * transaction. Returns only after commit, so a receipt always means stored.
 */
export async function submitReport(
  db: Db,
  vault: ReportVault,
  args: {
    program: Program;
    input: ReportSubmission;
    files: readonly UploadedFile[];
    channel: Channel;
    /** The reporter's language (the page's, or one the API or mail names); absent: the program's default. Mail to them uses it. */
    language?: Language;
    now?: Date;
    /** Set when the reporter's browser encrypted the submission to the program key. */
    clientEncryption?: 'openpgp';
    /** The reporter's OpenPGP key (validated with validateReporterKey): mail to them is encrypted to it. */
    reporterKey?: ValidatedReporterKey;
    /**
     * More writes in the same transaction, e.g. e-mail intake linking the stored mail
     * and enqueueing the acknowledgement that carries the tracking token.
     */
    withinTransaction?: (trx: Transaction<Database>, created: Omit<SubmittedReport, 'reference'>) => Promise<void>;
    /**
     * Queue a receipt to the reporter's address, when they gave one, in this transaction (so a
     * receipt page always means the mail will follow); the instance secret seals the tracking
     * token in the job. E-mail intake leaves it out: it sends its own acknowledgement.
     */
    receipt?: { secret: InstanceSecret };
    /**
     * The spam screening's verdict (assessSubmission), stored in the report's own row instead of
     * an update after it (recordAssessment); a quarantined report also gets its staff-only event.
     */
    assessment?: SubmissionAssessment;
    /** A report the team records itself (channel 'staff'): the staff member, not a reporter, is the submission's actor. */
    submittedBy?: string;
  },
): Promise<SubmittedReport> {
  const { program, input, files, channel } = args;
  const now = args.now ?? new Date();
  // A channel that never shows the policy (e-mail) records no acceptance, whatever the input says.
  const policyShown = channelShowsPolicy(channel);
  if (policyShown && input.policyVersion !== program.policy.version) {
    throw new ValidationError(
      { acceptPolicy: 'The policy was updated after you opened this form. Please read the current version and accept it again.' },
      'The disclosure policy has changed.',
    );
  }
  const trackingToken = newToken();
  const year = now.getUTCFullYear();
  // The id is chosen here: the sealed fields are bound to it. Sealing is CPU work, done before the
  // transaction takes a connection.
  const id = randomUUID();
  const sealed = sealReport(
    vault,
    id,
    {
      title: input.title,
      description: input.description,
      stepsToReproduce: input.stepsToReproduce,
      impact: input.impact,
      reporter: { name: input.reporterName ?? null, handle: input.reporterHandle ?? null, email: input.reporterEmail ?? null },
    },
    { product: input.product, vulnerabilityType: input.vulnerabilityType },
  );
  const screening = args.assessment
    ? { quarantined: args.assessment.quarantined, quarantine_reasons: args.assessment.reasons, ai_assistance: args.assessment.aiAssistance, submitter_ip_hash: args.assessment.ipHash }
    : {};
  // A new report's only event is its submission, which starts the clocks: the first deadline follows
  // from the receipt time and the program's SLA alone, so it is stored with the row instead of
  // recordEvent reading the report and its timeline back to compute the same.
  const sla = programSla(program.config);
  const firstDeadline = nextDeadline(computeSlaClocks({ history: { receivedAt: now, events: [] }, targets: sla.targets, calendar: sla.calendar, now })) ?? null;
  return db.transaction().execute(async (trx) => {
    const report = await trx
      .insertInto('reports')
      .values({
        id,
        program_id: program.id,
        // Numbered last, just before commit (below); until then a placeholder only this transaction sees.
        reference: `pending-${id}`,
        channel,
        language: args.language ?? program.config.languages.default,
        state: 'new',
        ...sealed,
        product: input.product,
        product_version: input.productVersion,
        vulnerability_type: input.vulnerabilityType,
        reporter_cvss_vector: input.cvssVector ?? null,
        credit_preference: resolveCredit(input),
        policy_version_id: program.policy.id,
        policy_accepted_at: policyShown ? now : null,
        tracking_token_hash: hashToken(trackingToken),
        client_encryption: args.clientEncryption ?? null,
        created_at: now,
        updated_at: now,
        next_deadline_at: firstDeadline,
        ...screening,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await storeAttachments(trx, vault, reportKey(vault, { id, data_key: sealed.data_key }), report.id, null, files);
    if (args.reporterKey && channel !== 'staff') await storeReporterKey(trx, vault, report.id, args.reporterKey, channel);
    await recordEvent(trx, {
      reportId: report.id,
      actor: args.submittedBy ? { kind: 'staff', id: args.submittedBy } : { kind: 'reporter' },
      type: 'submitted',
      data: { channel, policyVersion: program.policy.version, policyShown, attachments: files.length },
      reporterVisible: true,
      // Stored with the row above.
      deadlineKnown: true,
      // The team hears of it: one job row, in the event's statement (the job reads the quarantine verdict stored with the row).
      notifyTeam: true,
    });
    if (args.assessment?.quarantined) {
      // As recordAssessment records it; the columns are in the row already.
      await recordEvent(trx, { reportId: report.id, actor: { kind: 'system' }, type: 'quarantined', data: { reasons: args.assessment.reasons }, reporterVisible: false });
    }
    await args.withinTransaction?.(trx, { id: report.id, trackingToken });
    if (args.receipt && input.reporterEmail) await queueTrackingLinkMail(trx, args.receipt.secret, { reportId: report.id, token: trackingToken });
    // The number comes last: the counter row's lock serialises every submission of the program, so
    // it is held only for this and the commit, not through the sealing, inserts and screening above.
    // A rolled-back submission takes its number back with it, so success paths leave no gap.
    // One statement, so one round trip while holding the lock: take the number, write the reference.
    // Its SQL spelling is checked against formatReference; a mismatch rolls the whole submission back.
    const numbered = await sql<{ reference: string; n: number }>`
      WITH counter AS (
        INSERT INTO report_counters (program_id, year, last_number) VALUES (${program.id}, ${year}, 1)
        ON CONFLICT (program_id, year) DO UPDATE SET last_number = report_counters.last_number + 1
        RETURNING last_number)
      UPDATE reports SET reference = ${`${program.config.referencePrefix}-${year}-`} || lpad(counter.last_number::text, greatest(4, length(counter.last_number::text)), '0')
      FROM counter WHERE reports.id = ${report.id}
      RETURNING reports.reference, counter.last_number AS n`.execute(trx);
    const row = numbered.rows[0];
    const reference = row ? formatReference(program.config.referencePrefix, year, Number(row.n)) : undefined;
    if (!row || row.reference !== reference) throw new Error(`numbering report ${report.id} failed (${row?.reference ?? 'no row'})`);
    return { id: report.id, reference, trackingToken };
  });
}

import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
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
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { storeAttachments, type UploadedFile } from './attachments.ts';
import { recordEvent } from './record-event.ts';
import { queueTeamNotice } from '../team-notices/queue-team-notice.ts';
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
  return db.transaction().execute(async (trx) => {
    const report = await trx
      .insertInto('reports')
      .values({
        id,
        program_id: program.id,
        // Numbered last, just before commit (below); until then a placeholder only this transaction sees.
        reference: `pending-${id}`,
        channel,
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
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await storeAttachments(trx, vault, reportKey(vault, { id, data_key: sealed.data_key }), report.id, null, files);
    if (args.reporterKey) await storeReporterKey(trx, vault, report.id, args.reporterKey, channel);
    const submittedEvent = await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'reporter' },
      type: 'submitted',
      data: { channel, policyVersion: program.policy.version, policyShown, attachments: files.length },
      reporterVisible: true,
    });
    // The team hears of it (one job row; the job reads the quarantine verdict withinTransaction records).
    await queueTeamNotice(trx, submittedEvent);
    await args.withinTransaction?.(trx, { id: report.id, trackingToken });
    if (args.receipt && input.reporterEmail) await queueTrackingLinkMail(trx, args.receipt.secret, { reportId: report.id, token: trackingToken });
    // The number comes last: the counter row's lock serialises every submission of the program, so
    // it is held only for this and the commit, not through the sealing, inserts and screening above.
    // A rolled-back submission takes its number back with it, so success paths leave no gap.
    const counter = await trx
      .insertInto('report_counters')
      .values({ program_id: program.id, year, last_number: 1 })
      .onConflict((oc) => oc.columns(['program_id', 'year']).doUpdateSet((eb) => ({ last_number: eb('report_counters.last_number', '+', 1) })))
      .returning('last_number')
      .executeTakeFirstOrThrow();
    const reference = formatReference(program.config.referencePrefix, year, counter.last_number);
    await trx.updateTable('reports').set({ reference }).where('id', '=', report.id).execute();
    return { id: report.id, reference, trackingToken };
  });
}

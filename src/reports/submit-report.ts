import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type RawBuilder, type Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { runPrepared } from '../db/prepared-statements.ts';
import type { Channel, Database, ReportsTable } from '../db/schema.ts';
import { channelShowsPolicy } from '../domain/policy-acceptance.ts';
import { formatReference } from '../domain/reference.ts';
import { resolveCredit, type ReportSubmission } from '../domain/report-input.ts';
import { hashToken, newToken } from '../domain/tokens.ts';
import { ValidationError } from '../errors.ts';
import { storeReporterKey, type ValidatedReporterKey } from '../mail/reporter-keys.ts';
import { trackingLinkJob } from '../mail/tracking-link-mail.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { eventQueueingWebhooks } from '../webhooks/queue-webhooks.ts';
import type { Program } from '../programs/programs.ts';
import type { Language } from '../i18n/languages.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { programSla } from '../sla/report-clocks.ts';
import { computeSlaClocks, nextDeadline } from '../sla/sla-clocks.ts';
import type { SubmissionAssessment } from '../triage/spam-signals.ts';
import { storeAttachments, type UploadedFile } from './attachments.ts';
import { eventRow, recordEvent } from './record-event.ts';
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
  const row: Insertable<ReportsTable> = {
    id,
    program_id: program.id,
    // The single statement below writes the reference at once; the transaction numbers last, just before
    // commit, and until then this placeholder is seen by it alone.
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
  };
  const receipt = args.receipt && input.reporterEmail ? trackingLinkJob(args.receipt.secret, { reportId: id, token: trackingToken }) : undefined;
  const submittedEvent = { channel, policyVersion: program.policy.version, policyShown, attachments: files.length };
  const numbering = { programId: program.id, prefix: program.config.referencePrefix, year };

  // The common case (a reporter's report, nothing stored beside it, not quarantined) is one statement:
  // number, row, first event, the team's notice, webhook deliveries and the receipt, committed on their
  // own. A submission then costs one round trip instead of five (BEGIN, three statements, COMMIT), and
  // the numbering lock lives only as long as that statement. Everything else takes the transaction below,
  // which writes the same rows (test/reports/submission-statements.test.ts compares them).
  if (files.length === 0 && !args.reporterKey && !args.withinTransaction && !args.submittedBy && !args.assessment?.quarantined) {
    const statement = sql<{ reference: string; n: string }>`
      WITH counter AS (${takeNumber(numbering)}),
      ${eventQueueingWebhooks(eventRow(id, { kind: 'reporter' }, 'submitted', submittedEvent, true), 'report.received', { notifyTeam: true, programId: program.id })}
      ${receipt ? sql`, receipt AS (INSERT INTO jobs (kind, payload) VALUES ('mail-acknowledgement', ${JSON.stringify(receipt)}::jsonb))` : sql``}
      INSERT INTO reports ${columnsAndValues({ ...row, reference: sql`(SELECT ${referenceOf(numbering, sql`last_number`)} FROM counter)` })}
      RETURNING reference, (SELECT last_number FROM counter) AS n`;
    // Kept prepared (src/db/prepared-statements.ts): its text is the same for every submission of this shape.
    const rows = await runPrepared(db, statement);
    return { id, reference: checkedReference(id, numbering, rows[0]), trackingToken };
  }
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('reports').values(row).execute();
    await storeAttachments(trx, vault, reportKey(vault, { id, data_key: sealed.data_key }), id, null, files);
    if (args.reporterKey && channel !== 'staff') await storeReporterKey(trx, vault, id, args.reporterKey, channel);
    await recordEvent(trx, {
      reportId: id,
      actor: args.submittedBy ? { kind: 'staff', id: args.submittedBy } : { kind: 'reporter' },
      type: 'submitted',
      data: submittedEvent,
      reporterVisible: true,
      // Stored with the row above.
      deadlineKnown: true,
      // The team hears of it: one job row, in the event's statement (the job reads the quarantine verdict stored with the row).
      notifyTeam: true,
    });
    if (args.assessment?.quarantined) {
      // As recordAssessment records it; the columns are in the row already.
      await recordEvent(trx, { reportId: id, actor: { kind: 'system' }, type: 'quarantined', data: { reasons: args.assessment.reasons }, reporterVisible: false });
    }
    await args.withinTransaction?.(trx, { id, trackingToken });
    if (receipt) await enqueueJob(trx, 'mail-acknowledgement', receipt);
    // The number comes last: the counter row's lock serialises every submission of the program, so
    // it is held only for this and the commit, not through the attachments, key and extra writes above.
    // A rolled-back submission takes its number back with it, so success paths leave no gap.
    // One statement, so one round trip while holding the lock: take the number, write the reference.
    const { rows } = await sql<{ reference: string; n: string }>`
      WITH counter AS (${takeNumber(numbering)})
      UPDATE reports SET reference = ${referenceOf(numbering, sql`counter.last_number`)}
      FROM counter WHERE reports.id = ${id}
      RETURNING reports.reference, counter.last_number AS n`.execute(trx);
    return { id, reference: checkedReference(id, numbering, rows[0]), trackingToken };
  });
}

interface Numbering {
  programId: string;
  prefix: string;
  year: number;
}

/** The next number of the program's year; the row's lock serialises the program's submissions until commit. */
function takeNumber(n: Numbering): RawBuilder<unknown> {
  return sql`
    INSERT INTO report_counters (program_id, year, last_number) VALUES (${n.programId}, ${n.year}, 1)
    ON CONFLICT (program_id, year) DO UPDATE SET last_number = report_counters.last_number + 1
    RETURNING last_number`;
}

/** formatReference in SQL; checkedReference compares the two. */
function referenceOf(n: Numbering, lastNumber: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`${`${n.prefix}-${n.year}-`} || lpad(${lastNumber}::text, greatest(4, length(${lastNumber}::text)), '0')`;
}

/**
 * The reference the statement wrote, when it is the one formatReference spells. A mismatch (a bug in one
 * of the two spellings; the tests number past 9999) throws: in the transaction that rolls the submission
 * back; the single statement has committed by then, so the report is kept and the error is logged.
 */
function checkedReference(id: string, n: Numbering, row: { reference: string; n: string } | undefined): string {
  const reference = row ? formatReference(n.prefix, n.year, Number(row.n)) : undefined;
  if (!row || row.reference !== reference) throw new Error(`numbering report ${id} failed (${row?.reference ?? 'no row'})`);
  return reference;
}

/** `(column, …) VALUES (value, …)` of a row, as Kysely's insert writes it (undefined values are left out). */
function columnsAndValues(row: Record<string, unknown>): RawBuilder<unknown> {
  const columns = Object.keys(row).filter((c) => row[c] !== undefined);
  return sql`(${sql.join(columns.map((c) => sql.ref(c)))}) VALUES (${sql.join(columns.map((c) => row[c]))})`;
}

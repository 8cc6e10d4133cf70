import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { CraChannel } from '../db/cra-tables.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { recordEvent } from '../reports/record-event.ts';
import { lockReportState } from '../reports/report-actions.ts';
import type { CraKind, CraStep } from './cra-clocks.ts';
import { canCra } from './cra-policy.ts';

/**
 * The CRA case's decisions, each a use case with an explicit actor, its
 * authorization, its own transaction and a timeline event (which the audit
 * log picks up, src/reports/record-event.ts). Times come from the person
 * (when the team became aware, when a measure was available, when a step was
 * submitted) and may not lie in the future of `now`.
 */
const refuseFuture = (at: Date, now: Date, field: string) => {
  if (Number.isNaN(at.getTime())) throw new ValidationError({ [field]: 'Enter a date and time.' }, 'Nothing was saved.');
  // A minute's grace for clocks a little apart.
  if (at.getTime() > now.getTime() + 60_000) throw new ValidationError({ [field]: 'This moment is in the future.' }, 'Nothing was saved.');
};

async function lockForDecision(trx: Parameters<typeof lockReportState>[0], actor: StaffActor, reportId: string) {
  const report = await lockReportState(trx, reportId);
  if (!canCra.view(actor, report)) throw new NotFoundError('This report');
  if (!canCra.decide(actor, report)) throw new ForbiddenError('Only a lead or admin of the program decides on CRA reporting.');
  return report;
}

/** Marks a report as an actively exploited vulnerability (Art. 14(1)) or a severe incident (Art. 14(3)); the clocks start at `awareAt`. */
export async function markCraCase(db: Db, args: { actor: StaffActor; reportId: string; kind: CraKind; awareAt: Date; now?: Date }): Promise<{ caseId: string }> {
  const now = args.now ?? new Date();
  refuseFuture(args.awareAt, now, 'awareAt');
  return db.transaction().execute(async (trx) => {
    await lockForDecision(trx, args.actor, args.reportId);
    return insertCraCase(trx, args);
  });
}

/**
 * The mark itself, in the caller's transaction, once the report is locked and
 * the actor authorized: markCraCase, and a new incident record (src/cra/record-incident.ts).
 */
export async function insertCraCase(trx: Parameters<typeof lockReportState>[0], args: { actor: StaffActor; reportId: string; kind: CraKind; awareAt: Date }): Promise<{ caseId: string }> {
  const existing = await trx.selectFrom('cra_cases').select('id').where('report_id', '=', args.reportId).where('kind', '=', args.kind).executeTakeFirst();
  if (existing) throw new ValidationError({ kind: 'This report is already marked so; its clocks are running.' }, 'Nothing was changed.');
  const id = randomUUID();
  await trx.insertInto('cra_cases').values({ id, report_id: args.reportId, kind: args.kind, aware_at: args.awareAt, marked_by: args.actor.userId }).execute();
  await recordEvent(trx, {
    reportId: args.reportId, actor: { kind: 'staff', id: args.actor.userId }, type: 'cra-marked',
    data: { kind: args.kind, awareAt: args.awareAt.toISOString() }, reporterVisible: false,
  });
  return { caseId: id };
}

async function lockCase(trx: Parameters<typeof lockReportState>[0], actor: StaffActor, caseId: string) {
  const row = await trx.selectFrom('cra_cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!row) throw new NotFoundError('This CRA case');
  await lockForDecision(trx, actor, row.report_id);
  return row;
}

/** Corrects when the team became aware (a mistyped moment): every clock moves with it; the timeline keeps both moments. */
export async function correctAwareAt(db: Db, args: { actor: StaffActor; caseId: string; awareAt: Date; now?: Date }): Promise<void> {
  refuseFuture(args.awareAt, args.now ?? new Date(), 'awareAt');
  await db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, args.actor, args.caseId);
    if (c.aware_at.getTime() === args.awareAt.getTime()) return;
    const first = await trx.selectFrom('cra_submissions').select('submitted_at').where('case_id', '=', c.id).orderBy('submitted_at').executeTakeFirst();
    if ((first && args.awareAt > first.submitted_at) || (c.measure_available_at && args.awareAt > c.measure_available_at)) {
      throw new ValidationError({ awareAt: 'This is after a submission or the measure already recorded.' }, 'Nothing was changed.');
    }
    await trx.updateTable('cra_cases').set({ aware_at: args.awareAt }).where('id', '=', c.id).execute();
    await recordEvent(trx, {
      reportId: c.report_id, actor: { kind: 'staff', id: args.actor.userId }, type: 'cra-marked',
      data: { kind: c.kind, awareAt: args.awareAt.toISOString(), correctedFrom: c.aware_at.toISOString() }, reporterVisible: false,
    });
  });
}

/** Records when a corrective or mitigating measure became available: the vulnerability's final report is due 14 days later (Art. 14(2)(c)). */
export async function setMeasureAvailable(db: Db, args: { actor: StaffActor; caseId: string; at: Date; now?: Date }): Promise<void> {
  refuseFuture(args.at, args.now ?? new Date(), 'measureAt');
  await db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, args.actor, args.caseId);
    if (c.kind !== 'exploited-vulnerability') throw new ValidationError({ measureAt: 'A severe incident’s final report counts from its notification, not from a measure.' }, 'Nothing was saved.');
    if (args.at < c.aware_at) throw new ValidationError({ measureAt: 'This is before the team became aware.' }, 'Nothing was saved.');
    await trx.updateTable('cra_cases').set({ measure_available_at: args.at }).where('id', '=', c.id).execute();
    await recordEvent(trx, { reportId: c.report_id, actor: { kind: 'staff', id: args.actor.userId }, type: 'cra-measure-available', data: { kind: c.kind, at: args.at.toISOString() }, reporterVisible: false });
  });
}

export const CRA_CHANNELS: readonly CraChannel[] = ['single-reporting-platform', 'csirt-other', 'other'];
export const CRA_CHANNEL_LABELS: Readonly<Record<CraChannel, string>> = {
  'single-reporting-platform': 'ENISA single reporting platform',
  'csirt-other': 'The CSIRT, another way',
  other: 'Other',
};

/** Records a submission to the single reporting platform (date, channel, the CSIRT's reference); the first one of a step stops its clock. */
export async function recordCraSubmission(
  db: Db,
  args: { actor: StaffActor; caseId: string; step: CraStep; submittedAt: Date; channel: CraChannel; reference: string; now?: Date },
): Promise<{ submissionId: string }> {
  refuseFuture(args.submittedAt, args.now ?? new Date(), 'submittedAt');
  const reference = args.reference.trim();
  if (reference.length > 200 || /[\u0000-\u001f]/.test(reference)) throw new ValidationError({ reference: 'At most 200 characters on one line.' }, 'The submission was not recorded.');
  return db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, args.actor, args.caseId);
    if (args.submittedAt < c.aware_at) throw new ValidationError({ submittedAt: 'This is before the team became aware.' }, 'The submission was not recorded.');
    const id = randomUUID();
    await trx.insertInto('cra_submissions').values({ id, case_id: c.id, step: args.step, submitted_at: args.submittedAt, channel: args.channel, csirt_reference: reference, recorded_by: args.actor.userId }).execute();
    await recordEvent(trx, {
      reportId: c.report_id, actor: { kind: 'staff', id: args.actor.userId }, type: 'cra-submission-recorded',
      data: { kind: c.kind, step: args.step, submittedAt: args.submittedAt.toISOString(), channel: args.channel, reference }, reporterVisible: false,
    });
    return { submissionId: id };
  });
}

/** Records that users were informed of the vulnerability or incident another way than the advisory (Art. 14(8)); the advisory's publication is in the timeline already. */
export async function recordUsersInformed(db: Db, vault: ReportVault, args: { actor: StaffActor; reportId: string; at: Date; how: string; now?: Date }): Promise<void> {
  refuseFuture(args.at, args.now ?? new Date(), 'informedAt');
  const how = args.how.trim();
  if (!how || how.length > 200 || /[\u0000-\u001f]/.test(how)) throw new ValidationError({ how: 'Say how, in at most 200 characters on one line.' }, 'Nothing was recorded.');
  await db.transaction().execute(async (trx) => {
    await lockForDecision(trx, args.actor, args.reportId);
    const cases = await trx.selectFrom('cra_cases').select('id').where('report_id', '=', args.reportId).execute();
    if (cases.length === 0) throw new ValidationError({ how: 'Mark the report for CRA reporting first.' }, 'Nothing was recorded.');
    // The channel is the team's words: sealed with the event (src/reports/event-text.ts), never in clear.
    await recordEvent(trx, { reportId: args.reportId, actor: { kind: 'staff', id: args.actor.userId }, type: 'cra-users-informed', data: { at: args.at.toISOString() }, text: { reason: how, vault }, reporterVisible: false });
  });
}

import type { Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { checkTransition, isUnanswered } from '../domain/lifecycle.ts';
import { InvalidTransitionError, ValidationError } from '../errors.ts';
import { applyTransition, insertMessage, lockReportState } from '../reports/report-actions.ts';
import { sealEvaluation } from '../reports/report-contents.ts';
import { recordEvent } from '../reports/record-event.ts';
import { programSla } from '../sla/report-clocks.ts';
import { formatLocalDate, resolutionDateProblem } from './resolution-date.ts';

const MAX_EVALUATION = 5000;

/** The program's time zone, for "today" in date checks. */
export async function programTimeZone(trx: Transaction<Database>, programId: string): Promise<string> {
  const row = await trx.selectFrom('programs').select('config').where('id', '=', programId).executeTakeFirstOrThrow();
  return programSla(row.config).calendar.timeZone;
}

/**
 * The first-response promise: records the team's evaluation and expected
 * resolution date, moves the report to acknowledged, and posts both
 * to the reporter as one message, in one transaction. The reporter gets one
 * notification (the state change's); the message is what they read.
 */
export async function acknowledgeWithEvaluation(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; actorId: string; evaluation: string; expectedResolutionDate: string; now?: Date },
): Promise<void> {
  const now = args.now ?? new Date();
  const evaluation = args.evaluation.trim();
  const date = args.expectedResolutionDate.trim();
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const fields: Record<string, string> = {};
    if (!evaluation) fields.evaluation = 'Write the evaluation the reporter will receive.';
    else if (evaluation.length > MAX_EVALUATION) fields.evaluation = `Keep the evaluation under ${MAX_EVALUATION} characters.`;
    const dateProblem = resolutionDateProblem(date, await programTimeZone(trx, report.program_id), now);
    if (dateProblem) fields.expectedResolutionDate = dateProblem;
    if (Object.keys(fields).length) throw new ValidationError(fields, 'The evaluation was not sent.');
    const evaluated = await trx.selectFrom('report_events').select('id').where('report_id', '=', report.id).where('type', '=', 'evaluation-sent').executeTakeFirst();
    // A report waiting on the reporter from new, or reopened from a verdict, has not had its evaluation either.
    if (evaluated || !isUnanswered(report.state, report.resume_state) || !checkTransition(report.state, 'acknowledged').ok) {
      throw new InvalidTransitionError('Only a report that has not been answered yet is acknowledged with an evaluation; this one was already answered. Change the expected resolution date instead.');
    }

    const actor = { kind: 'staff' as const, id: args.actorId };
    const message = await insertMessage(trx, vault, {
      reportId: report.id,
      authorId: args.actorId,
      visibility: 'reporter',
      body: `${evaluation}\n\nExpected resolution date: ${formatLocalDate(date)}.`,
    });
    await trx
      .updateTable('reports')
      .set({ evaluation_sealed: sealEvaluation(vault, message.key, evaluation), expected_resolution_date: date })
      .where('id', '=', report.id)
      .execute();
    // Audit entry, and what keeps the first-response promise (src/sla); written before the move because
    // the lifecycle accepts the report only once its evaluation exists. Not reporter-visible: the state
    // change below notifies them once.
    await recordEvent(trx, {
      reportId: report.id,
      actor,
      type: 'evaluation-sent',
      data: { messageId: message.id, expectedResolutionDate: date },
      reporterVisible: false,
    });
    await applyTransition(trx, report, 'acknowledged', actor, undefined);
  });
}

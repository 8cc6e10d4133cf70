import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { InvalidTransitionError, ValidationError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { programTimeZone } from './acknowledge-with-evaluation.ts';
import { resolutionDateProblem } from './resolution-date.ts';

/**
 * Moves the expected resolution date promised to the reporter. Moving it later
 * breaks a promise, so it needs a reason; either way the reporter is told
 * (a reporter-visible event with the reason, which notifies them).
 */
export async function changeExpectedResolutionDate(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; actorId: string; date: string; reason: string; now?: Date },
): Promise<void> {
  const now = args.now ?? new Date();
  const date = args.date.trim();
  const reason = args.reason.trim();
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const from = report.expected_resolution_date;
    if (!from) throw new InvalidTransitionError('No resolution date was promised yet: acknowledge the report with an evaluation first.');
    const problem = resolutionDateProblem(date, await programTimeZone(trx, report.program_id), now);
    if (problem) throw new ValidationError({ expectedResolutionDate: problem }, 'The date was not changed.');
    if (date === from) return;
    if (date > from && !reason) {
      throw new ValidationError({ dateReason: 'Say why the date moves later; the reporter will read it.' }, 'The date was not changed.');
    }
    if (reason.length > 500) throw new ValidationError({ dateReason: 'Keep the reason under 500 characters.' });
    await trx.updateTable('reports').set({ expected_resolution_date: date }).where('id', '=', report.id).execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'resolution-date-changed',
      data: { from, to: date },
      text: { vault, reason },
      reporterVisible: true,
    });
  });
}

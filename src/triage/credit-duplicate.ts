import type { Db } from '../db/database.ts';
import { ValidationError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';

/**
 * Credits a duplicate's reporter alongside the original's (or stops doing so).
 * The thanks page then lists them under the year the original was resolved,
 * following their own credit preference (src/thanks/list-credits.ts).
 */
export async function setCreditWithOriginal(db: Db, args: { reportId: string; actorId: string; credit: boolean }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    if (!report.duplicate_of) throw new ValidationError({ credit: 'Only a report marked as a duplicate is credited with its original.' });
    if (report.credit_with_original === args.credit) return;
    await trx.updateTable('reports').set({ credit_with_original: args.credit }).where('id', '=', report.id).execute();
    // Staff-only: the reporter's own credit choice is unchanged, and the thanks page shows the result.
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'credit-changed',
      data: { creditWithOriginal: args.credit },
      reporterVisible: false,
    });
  });
}

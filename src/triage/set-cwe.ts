import type { Db } from '../db/database.ts';
import { ValidationError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { findCwe, type Cwe } from './cwe.ts';

/**
 * Sets the report's weakness from the shipped CWE list ("79", "CWE-79"), or
 * clears it with an empty value. Unknown and deprecated ids are field errors.
 */
export async function setCwe(db: Db, args: { reportId: string; actorId: string; cwe: string }): Promise<Cwe | null> {
  const text = args.cwe.trim();
  const cwe = text ? findCwe(text) : null;
  if (cwe === undefined) {
    throw new ValidationError({ cwe: `${text} is not in the CWE list. Type a number such as 79 or CWE-79, or pick a suggestion.` }, 'The CWE was not saved.');
  }
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const to = cwe?.id ?? null;
    if (report.cwe_id === to) return;
    await trx.updateTable('reports').set({ cwe_id: to }).where('id', '=', report.id).execute();
    await recordEvent(trx, { reportId: report.id, actor: { kind: 'staff', id: args.actorId }, type: 'cwe-set', data: { from: report.cwe_id, to }, reporterVisible: false });
  });
  return cwe;
}

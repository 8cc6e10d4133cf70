import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { REFERENCE_PATTERN } from '../domain/reference.ts';
import { ValidationError } from '../errors.ts';
import { applyTransition, lockReportState } from '../reports/report-actions.ts';
import { PLAIN_REPORT_COLUMNS } from '../reports/report-contents.ts';
import { recordEvent } from '../reports/record-event.ts';

/**
 * Marks a report as a duplicate of an earlier one of the same program: links
 * it, moves it to `duplicate` and tells its reporter, without naming the
 * original or its reporter. The first reporter keeps the credit (the thanks
 * page credits resolved reports, and a duplicate is not one), so a report may
 * only be marked as a duplicate of one received before it; a duplicate of a
 * duplicate is linked to the original itself.
 */
export async function markDuplicate(db: Db, vault: ReportVault, args: { reportId: string; originalReference: string; actorId: string }): Promise<{ originalReference: string }> {
  const reference = args.originalReference.trim().toUpperCase();
  if (!REFERENCE_PATTERN.test(reference)) throw new ValidationError({ original: 'Give the reference of the original report, e.g. EMB-2026-0001.' });
  return db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    // Only plain columns are needed: references, dates and states.
    let original = await trx.selectFrom('reports').select(PLAIN_REPORT_COLUMNS).where('reference', '=', reference).executeTakeFirst();
    if (!original || original.program_id !== report.program_id) throw new ValidationError({ original: `There is no report ${reference} in this program.` });
    if (original.duplicate_of) {
      original = await trx.selectFrom('reports').select(PLAIN_REPORT_COLUMNS).where('id', '=', original.duplicate_of).executeTakeFirstOrThrow();
    }
    if (original.id === report.id) throw new ValidationError({ original: 'A report cannot be a duplicate of itself.' });
    if (original.created_at > report.created_at) {
      throw new ValidationError({
        original: `${original.reference} arrived after this report. Mark ${original.reference} as the duplicate instead, so the first reporter keeps the credit.`,
      });
    }
    if (original.state === 'spam') throw new ValidationError({ original: `${original.reference} is spam; it cannot be the original.` });
    await applyTransition(trx, report, 'duplicate', { kind: 'staff', id: args.actorId }, {
      vault,
      reason: 'This issue had already been reported to us by someone else. You can follow its progress on this page.',
    });
    await trx.updateTable('reports').set({ duplicate_of: original.id }).where('id', '=', report.id).execute();
    // The staff timeline names the original; the reporter's never does (not reporter-visible).
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'duplicate-marked',
      data: { originalId: original.id, originalReference: original.reference },
      reporterVisible: false,
    });
    return { originalReference: original.reference };
  });
}

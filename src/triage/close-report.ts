import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { ClosureReason } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { applyTransition, lockReportState } from '../reports/report-actions.ts';
import { blockReportSender, type SenderBlockChoice } from './block-list.ts';
import { recordEvent } from '../reports/record-event.ts';
import { CLOSURE_REASONS, isClosureReason } from './closure-reasons.ts';
import type { SenderHasher } from './sender-hash.ts';
import { requireSecondPerson, type Approval } from '../approvals/second-person.ts';

const MAX_NOTE = 5000;

/**
 * Closes a report as not applicable with a reason category. The category's
 * sentence and the team's note (often a filled canned response) are the state
 * change's reason, so the reporter reads them on the tracking page and in the
 * one notification the state change sends; the category is also kept on the
 * report (closure_reason) for metrics.
 */
export async function closeAsNotApplicable(db: Db, vault: ReportVault, args: { reportId: string; actorId: string; reason: string; note?: string; approval?: Approval }): Promise<void> {
  if (!isClosureReason(args.reason)) throw new ValidationError({ closureReason: 'Choose why the report does not apply.' });
  const reason: ClosureReason = args.reason;
  const note = args.note?.trim() ?? '';
  if (note.length > MAX_NOTE) throw new ValidationError({ note: `Keep the message under ${MAX_NOTE} characters.` });
  // The program's two-person rule (src/approvals/): without an approval, this records the request and stops.
  await requireSecondPerson(db, vault, { reportId: args.reportId, action: 'close-not-applicable', actorId: args.actorId, params: { reason }, note, ...(args.approval ? { approval: args.approval } : {}) });
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const told = note ? `${CLOSURE_REASONS[reason].toReporter}\n\n${note}` : CLOSURE_REASONS[reason].toReporter;
    // Sealed with the report's key: a note filled from a canned response holds the title and the reporter's name.
    await applyTransition(trx, report, 'not-applicable', { kind: 'staff', id: args.actorId }, { vault, reason: told });
    // A decision was made: it leaves the quarantine, if it was there.
    await trx.updateTable('reports').set({ closure_reason: reason, quarantined: false }).where('id', '=', report.id).execute();
  });
}

/**
 * Closes a report as spam: the one use case of the report page, the
 * Quarantine tab, the bulk action and the API. The reporter is not told (spam
 * is not a reporter-visible state). With `block`, the sender goes on the
 * program's block list (blockReportSender): their e-mail address, and their
 * submitting IP only when an admin chose it, with an expiry.
 */
export async function closeAsSpam(
  db: Db,
  vault: ReportVault,
  hasher: SenderHasher,
  args: { reportId: string; actorId: string; block?: SenderBlockChoice; now?: Date; approval?: Approval },
): Promise<{ blocked: { email: boolean; ip: boolean } }> {
  await requireSecondPerson(db, vault, { reportId: args.reportId, action: 'close-spam', actorId: args.actorId, params: { block: args.block ?? null }, ...(args.approval ? { approval: args.approval } : {}) });
  return db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    await applyTransition(trx, report, 'spam', { kind: 'staff', id: args.actorId }, undefined);
    await trx.updateTable('reports').set({ quarantined: false }).where('id', '=', report.id).execute();
    const wanted = args.block && (args.block.email || args.block.ipDays !== null);
    const blocked = wanted
      ? await blockReportSender(trx, vault, hasher, { reportId: report.id, actorId: args.actorId, reason: 'Closed as spam.', choice: args.block!, ...(args.now ? { now: args.now } : {}) })
      : { email: false, ip: false };
    return { blocked };
  });
}

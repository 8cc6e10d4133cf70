import type { Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { ClosureReason, Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { applyTransition, lockReport, lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { CLOSURE_REASONS, isClosureReason } from './closure-reasons.ts';
import type { SenderHasher } from './sender-hash.ts';

const MAX_NOTE = 5000;

/**
 * Closes a report as not applicable with a reason category. The category's
 * sentence and the team's note (often a filled canned response) are the state
 * change's reason, so the reporter reads them on the tracking page and in the
 * one notification the state change sends; the category is also kept on the
 * report (closure_reason) for metrics.
 */
export async function closeAsNotApplicable(db: Db, vault: ReportVault, args: { reportId: string; actorId: string; reason: string; note?: string }): Promise<void> {
  if (!isClosureReason(args.reason)) throw new ValidationError({ closureReason: 'Choose why the report does not apply.' });
  const reason: ClosureReason = args.reason;
  const note = args.note?.trim() ?? '';
  if (note.length > MAX_NOTE) throw new ValidationError({ note: `Keep the message under ${MAX_NOTE} characters.` });
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
 * Closes a report as spam. The reporter is not told (spam is not a
 * reporter-visible state); with `blockSender`, their e-mail address and
 * submitting IP (when known) go on the program's block list, so what they
 * send next is quarantined.
 */
export async function closeAsSpam(
  db: Db,
  vault: ReportVault,
  hasher: SenderHasher,
  args: { reportId: string; actorId: string; blockSender?: boolean },
): Promise<{ blocked: { email: boolean; ip: boolean } }> {
  return db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    await applyTransition(trx, report, 'spam', { kind: 'staff', id: args.actorId }, undefined);
    await trx.updateTable('reports').set({ quarantined: false }).where('id', '=', report.id).execute();
    const blocked = args.blockSender ? await blockReportSender(trx, vault, hasher, { reportId: report.id, actorId: args.actorId, reason: 'Closed as spam.' }) : { email: false, ip: false };
    return { blocked };
  });
}

/** Puts a report's sender (e-mail address and submitting IP, as keyed hashes) on its program's block list. */
export async function blockReportSender(
  trx: Transaction<Database>,
  vault: ReportVault,
  hasher: SenderHasher,
  args: { reportId: string; actorId: string; reason: string },
): Promise<{ email: boolean; ip: boolean }> {
  // The address is sealed: open the report to read it, and keep only its hash.
  const report = await lockReport(trx, vault, args.reportId);
  const ipHash = (await trx.selectFrom('reports').select('submitter_ip_hash').where('id', '=', report.id).executeTakeFirstOrThrow()).submitter_ip_hash;
  const entries = [
    ...(report.reporter_email ? [{ kind: 'email' as const, value_hash: hasher.email(report.reporter_email) }] : []),
    ...(ipHash ? [{ kind: 'ip' as const, value_hash: ipHash }] : []),
  ];
  for (const e of entries) {
    await trx
      .insertInto('blocked_senders')
      .values({ program_id: report.program_id, ...e, reason: args.reason, report_id: report.id, blocked_by: args.actorId })
      .onConflict((oc) => oc.columns(['program_id', 'kind', 'value_hash']).doNothing())
      .execute();
  }
  const blocked = { email: entries.some((e) => e.kind === 'email'), ip: entries.some((e) => e.kind === 'ip') };
  await recordEvent(trx, { reportId: report.id, actor: { kind: 'staff', id: args.actorId }, type: 'sender-blocked', data: blocked, reporterVisible: false });
  return blocked;
}

import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { can, type StaffActor } from '../auth/policies.ts';
import { ACTION_WORDS, requireSecondPerson, twoPersonRuleOn, type Approval } from '../approvals/second-person.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import { AppError, ForbiddenError, InvalidTransitionError, NotFoundError, ValidationError } from '../errors.ts';
import type { JobPayloads } from '../jobs/queue.ts';
import { loadProgram } from '../programs/programs.ts';
import { recordEvent } from '../reports/record-event.ts';
import { reportKey } from '../reports/report-contents.ts';
import { earlyNoticeHash, parseEarlyNotice, type EarlyNoticeContent } from './early-notice-content.ts';

export interface EarlyNoticeDeps {
  db: Db;
  vault: ReportVault;
}

/** A verdict closed the report without a fix: there is nothing to warn customers about. */
const CLOSED_WITHOUT_FIX: readonly ReportState[] = ['duplicate', 'not-applicable', 'spam'];

/** The sealing purpose of a notice's words: bound to the notice, under the report's key. */
export const earlyNoticePurpose = (noticeId: string) => `early-notice:${noticeId}`;

/**
 * A lead or admin sends a TLP:AMBER notice about a report, before publication,
 * to the confirmed subscribers of the affected products (or of all products)
 * of the report's program: one mail job each, queued with the timeline event
 * (who, when, how many; never who received it) and the audit entry in one
 * transaction, and sent signed with the program key after commit.
 *
 * An early notice counts as publication under the two-person rule: it hands
 * embargoed information to people outside the team, irreversibly. When the
 * program has the rule, the notice is stored (sealed) and waits for another
 * lead or admin (ApprovalPendingError); their approval sends exactly that text.
 */
/**
 * sendEarlyNotice from a web form (the early-notice page and the CRA screen): the form's own
 * confirmation box is required of whoever may send; the use case checks everything else.
 */
export async function sendEarlyNoticeFromForm(deps: EarlyNoticeDeps, actor: StaffActor, args: { reportId: string; programId: string; form: Record<string, unknown> & { confirm: string } }): Promise<{ noticeId: string; recipients: number }> {
  if (can.sendEarlyNotice(actor, args.programId) && args.form.confirm !== 'yes') {
    throw new ValidationError({ confirm: 'Tick the box to confirm that this goes to customers outside the team.' }, 'The early notice was not sent.');
  }
  return sendEarlyNotice(deps, actor, { reportId: args.reportId, input: { ...args.form } });
}

export async function sendEarlyNotice(deps: EarlyNoticeDeps, actor: StaffActor, args: { reportId: string; input: Record<string, unknown> }): Promise<{ noticeId: string; recipients: number }> {
  const { db, vault } = deps;
  const report = await db.selectFrom('reports').select(['id', 'program_id', 'state', 'data_key', 'restricted_to']).where('id', '=', args.reportId).executeTakeFirst();
  if (!report || !can.viewReport(actor, report)) throw new NotFoundError('This report');
  if (!can.sendEarlyNotice(actor, report.program_id)) throw new ForbiddenError('Only a lead or admin of the program sends an early customer notice.');
  const program = await loadProgram(db, { id: report.program_id });
  if (!program) throw new NotFoundError('This program');
  await assertStillEarly(db, report);
  const content = parseEarlyNotice(args.input, program.config);
  const id = randomUUID();
  const stored = {
    id,
    report_id: report.id,
    program_id: report.program_id,
    products: content.products,
    content_sealed: vault.seal(reportKey(vault, report), earlyNoticePurpose(id), JSON.stringify(content)),
    content_hash: earlyNoticeHash(content),
    created_by: actor.userId,
  };
  if (await twoPersonRuleOn(db, report.program_id)) {
    // The rule keeps one open request per report: a notice stored beside another one would wait for nobody.
    const waiting = await db.selectFrom('approval_requests').select('action').where('report_id', '=', report.id).where('advisory_id', 'is', null).where('state', '=', 'pending').executeTakeFirst();
    if (waiting) throw new AppError('approval_pending', 409, `${ACTION_WORDS[waiting.action]} already waits for a second person on this report: it is decided first (Approvals page).`);
    await db.insertInto('early_notices').values(stored).execute();
    // Throws ApprovalPendingError; returns only if the rule was turned off meanwhile, and then it is sent as is.
    await requireSecondPerson(db, vault, { programId: report.program_id, reportId: report.id, action: 'send-early-notice', actorId: actor.userId, params: { noticeId: id, contentHash: stored.content_hash } });
    return db.transaction().execute(async (trx) => ({ noticeId: id, recipients: await deliver(trx, id, actor.userId) }));
  }
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('early_notices').values(stored).execute();
    return { noticeId: id, recipients: await deliver(trx, id, actor.userId) };
  });
}

/**
 * Carries out an approved request (src/approvals/decide-approval.ts): the
 * requester stays the actor; the approver approved the stored text, which
 * must not have changed.
 */
export async function sendApprovedEarlyNotice(deps: EarlyNoticeDeps, args: { reportId: string; actorId: string; params: { noticeId?: string; contentHash?: string }; approval: Approval }): Promise<{ recipients: number }> {
  await requireSecondPerson(deps.db, deps.vault, { reportId: args.reportId, action: 'send-early-notice', actorId: args.actorId, approval: args.approval });
  const notice = await deps.db
    .selectFrom('early_notices')
    .select(['id', 'state', 'content_hash'])
    .where('id', '=', args.params.noticeId ?? '00000000-0000-0000-0000-000000000000')
    .where('report_id', '=', args.reportId)
    .executeTakeFirst();
  if (!notice) throw new NotFoundError('This early notice');
  if (notice.state !== 'awaiting-approval' || notice.content_hash !== args.params.contentHash) throw new AppError('approval_stale', 409, 'This early notice was already sent or changed: decline the request.');
  await assertStillEarly(deps.db, { id: args.reportId, state: (await deps.db.selectFrom('reports').select('state').where('id', '=', args.reportId).executeTakeFirstOrThrow()).state });
  return deps.db.transaction().execute(async (trx) => ({ recipients: await deliver(trx, notice.id, args.actorId) }));
}

/** An early notice is for before publication, about a flaw the team will fix. */
async function assertStillEarly(db: Db, report: { id: string; state: ReportState }): Promise<void> {
  if (CLOSED_WITHOUT_FIX.includes(report.state)) throw new InvalidTransitionError('This report was closed without a fix: there is nothing to warn customers about.');
  const published = await db.selectFrom('advisories').select('id').where('report_id', '=', report.id).where('state', '=', 'published').executeTakeFirst();
  if (published) throw new InvalidTransitionError('The advisory is published: subscribers were told by the advisory notice, and an early notice would come late.');
}

/**
 * Marks the notice sent and queues one mail per subscriber who follows one of
 * its products (or all), in the caller's transaction, with the timeline event.
 * The notice row is claimed first, so two approvals or a double click send once.
 */
async function deliver(trx: Transaction<Database>, noticeId: string, actorId: string): Promise<number> {
  const claimed = await trx
    .updateTable('early_notices')
    .set({ state: 'sent', sent_at: new Date(), recipients: 0 })
    .where('id', '=', noticeId)
    .where('state', '=', 'awaiting-approval')
    .returning(['id', 'report_id', 'program_id', 'products'])
    .executeTakeFirst();
  if (!claimed) throw new AppError('approval_stale', 409, 'This early notice was already sent.');
  const rows = await trx
    .insertInto('early_notice_recipients')
    .columns(['notice_id', 'subscriber_id'])
    .expression(
      trx
        .selectFrom('subscribers as s')
        .select([sql<string>`${claimed.id}::uuid`.as('notice_id'), 's.id'])
        .where('s.program_id', '=', claimed.program_id)
        .where('s.confirmed_at', 'is not', null)
        .where((eb) => eb.or([eb('s.all_products', '=', true), eb('s.products', '&&', sql<string[]>`${sql.val(claimed.products)}::text[]`)])),
    )
    .onConflict((oc) => oc.columns(['notice_id', 'subscriber_id']).doNothing())
    .returning('id')
    .execute();
  // One statement per thousand jobs: a program may have thousands of subscribers.
  for (let i = 0; i < rows.length; i += 1000) {
    const payloads: JobPayloads['mail-early-notice'][] = rows.slice(i, i + 1000).map((r) => ({ recipientId: r.id }));
    await trx
      .insertInto('jobs')
      .values(payloads.map((p) => ({ kind: 'mail-early-notice' as const, payload: JSON.stringify(p) })))
      .execute();
  }
  await trx.updateTable('early_notices').set({ recipients: rows.length }).where('id', '=', claimed.id).execute();
  // The timeline and (through recordEvent) the audit log: who, when, how many, for which products. Never an address.
  await recordEvent(trx, {
    reportId: claimed.report_id,
    actor: { kind: 'staff', id: actorId },
    type: 'early-notice-sent',
    data: { noticeId: claimed.id, products: claimed.products, recipients: rows.length, tlp: 'AMBER' },
    reporterVisible: false,
  });
  return rows.length;
}

/** The report's early notices, newest first, for its page; the words are opened for the team. */
export async function listEarlyNotices(deps: EarlyNoticeDeps, reportId: string): Promise<{ id: string; state: 'awaiting-approval' | 'declined' | 'sent'; createdAt: Date; sentAt: Date | null; recipients: number | null; content: EarlyNoticeContent }[]> {
  const report = await deps.db.selectFrom('reports').select(['id', 'data_key']).where('id', '=', reportId).executeTakeFirstOrThrow();
  const key = reportKey(deps.vault, report);
  const rows = await deps.db.selectFrom('early_notices').select(['id', 'state', 'created_at', 'sent_at', 'recipients', 'content_sealed']).where('report_id', '=', reportId).orderBy('created_at', 'desc').execute();
  // A stored notice whose request is no longer pending was declined (an approval would have sent it).
  const pending = await deps.db.selectFrom('approval_requests').select('params').where('report_id', '=', reportId).where('action', '=', 'send-early-notice').where('state', '=', 'pending').execute();
  const waiting = new Set(pending.map((p) => (p.params as { noticeId?: string }).noticeId));
  return rows.map((r) => ({
    id: r.id,
    state: r.state === 'awaiting-approval' && !waiting.has(r.id) ? ('declined' as const) : r.state,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    recipients: r.recipients,
    content: JSON.parse(deps.vault.openText(key, earlyNoticePurpose(r.id), r.content_sealed)) as EarlyNoticeContent,
  }));
}

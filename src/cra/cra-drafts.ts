import type { StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { Kysely } from 'kysely';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { recordEvent } from '../reports/record-event.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { reportKey } from '../reports/report-contents.ts';
import type { CraStep } from './cra-clocks.ts';
import { parseCraDraft, type CraDraftValues } from './cra-fields.ts';
import { canCra } from './cra-policy.ts';

/** The sealed value is bound to its case and step: it cannot be moved to another row. */
const purpose = (caseId: string, step: CraStep) => `cra-draft:${caseId}:${step}`;

/** The saved drafts of a case, opened; a step never saved is absent (the view pre-fills it). */
export async function loadCraDrafts(db: Kysely<Database>, vault: ReportVault, reportId: string, caseIds: readonly string[]): Promise<Map<string, CraDraftValues>> {
  const out = new Map<string, CraDraftValues>();
  if (caseIds.length === 0) return out;
  const rows = await db.selectFrom('cra_drafts').select(['case_id', 'step', 'fields_sealed']).where('case_id', 'in', caseIds).execute();
  if (rows.length === 0) return out;
  const keyRow = await db.selectFrom('reports').select(['id', 'data_key']).where('id', '=', reportId).executeTakeFirstOrThrow();
  const key = reportKey(vault, keyRow);
  for (const row of rows) out.set(`${row.case_id}:${row.step}`, vault.openJson<CraDraftValues>(key, purpose(row.case_id, row.step), row.fields_sealed));
  return out;
}

/**
 * Saves a step's draft, sealed with the report's data key (like the report's
 * own texts). Anyone who edits the report may draft; the timeline records that
 * it was saved, never what it says.
 */
export async function saveCraDraft(db: Db, vault: ReportVault, args: { actor: StaffActor; caseId: string; step: CraStep; input: Record<string, unknown> }): Promise<CraDraftValues> {
  return db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom('cra_cases').select(['id', 'report_id', 'kind']).where('id', '=', args.caseId).executeTakeFirst();
    if (!c) throw new NotFoundError('This CRA case');
    const report = await lockReportState(trx, c.report_id);
    if (!canCra.view(args.actor, report)) throw new NotFoundError('This report');
    if (!canCra.draft(args.actor, report)) throw new ForbiddenError('Your role can read this report but not change it.');
    const { values, errors } = parseCraDraft(c.kind, args.step, args.input);
    if (Object.keys(errors).length) throw new ValidationError(errors, 'The draft was not saved.');
    const keyRow = await trx.selectFrom('reports').select(['id', 'data_key']).where('id', '=', c.report_id).executeTakeFirstOrThrow();
    const sealed = vault.sealJson(reportKey(vault, keyRow), purpose(c.id, args.step), values);
    await trx
      .insertInto('cra_drafts')
      .values({ case_id: c.id, step: args.step, fields_sealed: sealed, updated_by: args.actor.userId })
      .onConflict((oc) => oc.columns(['case_id', 'step']).doUpdateSet({ fields_sealed: sealed, updated_by: args.actor.userId, updated_at: new Date() }))
      .execute();
    await recordEvent(trx, { reportId: c.report_id, actor: { kind: 'staff', id: args.actor.userId }, type: 'cra-draft-saved', data: { kind: c.kind, step: args.step }, reporterVisible: false });
    return values;
  });
}

import type { Db } from '../db/database.ts';
import { ValidationError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { decideSsvc, ssvcInputSchema, type SsvcDecision } from './ssvc.ts';

/** Records the team's SSVC decision points and the priority they give; an incomplete form is a field error. */
export async function setSsvc(db: Db, args: { reportId: string; actorId: string; input: Record<string, unknown> }): Promise<SsvcDecision> {
  const parsed = ssvcInputSchema.safeParse(args.input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0])] ??= i.message;
    throw new ValidationError(fields, 'The SSVC decision was not saved.');
  }
  const decision = decideSsvc(parsed.data);
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    await trx.updateTable('reports').set({ ssvc: JSON.stringify(decision) }).where('id', '=', report.id).execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'ssvc-set',
      data: { priority: decision.priority, exploitation: decision.exploitation, utility: decision.utility, technicalImpact: decision.technicalImpact, publicSafetyImpact: decision.publicSafetyImpact },
      reporterVisible: false,
    });
  });
  return decision;
}

/** The stored decision, if the column holds a well-formed one. */
export function readSsvc(stored: unknown): SsvcDecision | undefined {
  const parsed = ssvcInputSchema.safeParse(stored);
  return parsed.success ? decideSsvc(parsed.data) : undefined;
}

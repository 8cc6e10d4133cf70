import type { Db } from '../db/database.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';

/**
 * The reporter chooses, on their tracking page, whether the parties invited
 * into their report may see their name (default: not named). The actor is the
 * reporter, found by their tracking link.
 */
export async function setReporterNaming(db: Db, args: { reportId: string; named: boolean }): Promise<'changed' | 'unchanged'> {
  return db.transaction().execute(async (trx) => {
    await lockReportState(trx, args.reportId);
    const row = await trx.selectFrom('coordination_reporter_choices').select('named').where('report_id', '=', args.reportId).executeTakeFirst();
    if ((row?.named ?? false) === args.named) return 'unchanged';
    await trx
      .insertInto('coordination_reporter_choices')
      .values({ report_id: args.reportId, named: args.named })
      .onConflict((oc) => oc.column('report_id').doUpdateSet({ named: args.named, updated_at: new Date() }))
      .execute();
    await recordEvent(trx, { reportId: args.reportId, actor: { kind: 'reporter' }, type: 'reporter-naming-changed', data: { named: args.named }, reporterVisible: true });
    return 'changed';
  });
}

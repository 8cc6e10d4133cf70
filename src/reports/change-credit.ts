import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { CreditPreference } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { recordEvent } from './record-event.ts';
import { openReporter, sealReporter } from './report-contents.ts';

/**
 * The reporter decides how they are credited, and may change their mind until
 * the report is published (disclosed).
 */
export async function changeCredit(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; preference: CreditPreference; name?: string | undefined; handle?: string | undefined },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const report = await trx
      .selectFrom('reports')
      .select(['id', 'state', 'credit_preference', 'data_key', 'reporter_sealed'])
      .where('id', '=', args.reportId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const reporter = openReporter(vault, report);
    if (report.state === 'disclosed') {
      throw new ValidationError({ creditPreference: 'The advisory is published; write to the team to change your credit.' });
    }
    const name = args.name ?? reporter.name;
    const handle = args.handle ?? reporter.handle;
    if (args.preference === 'name' && !name) throw new ValidationError({ reporterName: 'Give the name to credit.' });
    if (args.preference === 'handle' && !handle) throw new ValidationError({ reporterHandle: 'Give the handle to credit.' });
    await trx
      .updateTable('reports')
      .set({ credit_preference: args.preference, reporter_sealed: sealReporter(vault, report, { ...reporter, name, handle }) })
      .where('id', '=', report.id)
      .execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'reporter' },
      type: 'credit-changed',
      data: { from: report.credit_preference, to: args.preference },
      reporterVisible: true,
    });
  });
}

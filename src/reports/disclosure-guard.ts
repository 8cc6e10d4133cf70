import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { earlyDisclosureProblem, readDisclosure } from '../disclosure/disclosure-rules.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import { InvalidTransitionError } from '../errors.ts';

/**
 * Refuses to move a report to "disclosed" before its agreed disclosure date
 * while no advisory is published, unless the actor decided to disclose early.
 * Every lifecycle move passes here (applyTransition), so the status menu, bulk
 * actions and the API obey the same rule; publishing the advisory, which
 * discloses the report in its own transaction, passes because the advisory is
 * published by then.
 */
export async function assertDisclosable(trx: Transaction<Database>, report: { id: string }, to: ReportState, discloseEarly: boolean, now: Date = new Date()): Promise<void> {
  if (to !== 'disclosed' || discloseEarly) return;
  const row = await trx
    .selectFrom('reports as r')
    .select((eb) => [
      'r.disclosure_at',
      'r.disclosure_time_zone',
      'r.disclosure_status',
      'r.disclosure_proposed_by',
      eb.exists(eb.selectFrom('advisories as a').select('a.id').whereRef('a.report_id', '=', 'r.id').where('a.state', '=', 'published')).as('published'),
    ])
    .where('r.id', '=', report.id)
    .executeTakeFirstOrThrow();
  const problem = earlyDisclosureProblem(readDisclosure(row), now, Boolean(row.published), false);
  if (problem) throw new InvalidTransitionError(problem);
}

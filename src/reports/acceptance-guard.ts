import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { acceptanceProblem, type ReportState } from '../domain/lifecycle.ts';
import { InvalidTransitionError } from '../errors.ts';
import { programSla } from '../sla/report-clocks.ts';

/**
 * Refuses to accept (acknowledge, triage…) a report without the evaluation
 * its program promises. Every lifecycle move passes here (applyTransition),
 * so the status menu, bulk actions and the API obey the same rule; only
 * acknowledgeWithEvaluation, which records the evaluation first, gets past it.
 */
export async function assertAcceptable(trx: Transaction<Database>, report: { id: string; state: ReportState }, to: ReportState): Promise<void> {
  // Most moves cannot be an acceptance under any setting (the strictest reading is asked); skip the query for them.
  if (acceptanceProblem({ from: report.state, to, resumeState: null, promise: 'evaluation-and-date', evaluationSent: false }) === undefined) return;
  const row = await trx
    .selectFrom('reports as r')
    .innerJoin('programs as p', 'p.id', 'r.program_id')
    .select((eb) => [
      'r.resume_state',
      'p.config',
      eb.exists(eb.selectFrom('report_events as e').select('e.id').whereRef('e.report_id', '=', 'r.id').where('e.type', '=', 'evaluation-sent')).as('evaluated'),
    ])
    .where('r.id', '=', report.id)
    .executeTakeFirstOrThrow();
  const problem = acceptanceProblem({
    from: report.state,
    to,
    resumeState: row.resume_state,
    promise: programSla(row.config).targets.firstResponse,
    evaluationSent: Boolean(row.evaluated),
  });
  if (problem) throw new InvalidTransitionError(problem);
}

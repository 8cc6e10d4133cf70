import type { Report } from '../../db/schema.ts';
import { STATE_LABELS, acceptanceProblem, nextStates, type ReportState } from '../../domain/lifecycle.ts';
import type { Program } from '../../programs/programs.ts';
import { agreedDateAhead, formatDisclosureMoment, readDisclosure } from '../../disclosure/disclosure-rules.ts';

/** Moves the lifecycle would refuse for want of the promised evaluation are not offered (src/domain/lifecycle.ts). */
export function offeredMoves(report: Report, program: Program): ReportState[] {
  return nextStates(report.state).filter(
    (to) =>
      acceptanceProblem({
        from: report.state,
        to,
        resumeState: report.resume_state,
        promise: program.config.sla.firstResponse,
        // The expected resolution date is set only with the evaluation.
        evaluationSent: report.expected_resolution_date !== null,
      }) === undefined,
  );
}

/** The side column's first card: the two actions used on every report, status and assignee, always in view. */
export function StatusAndAssigneePanel(props: {
  report: Report;
  program: Program;
  assignable: { id: string; displayName: string }[];
  base: string;
  csrf: string;
}) {
  const { report, base } = props;
  const moves = offeredMoves(report, props.program);
  return (
    <section class="quick-actions" aria-labelledby="status-h">
      <h2 id="status-h">Status</h2>
      {moves.length ? (
        <form method="post" action={`${base}/state`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class="field">
            <label for="to">Move to</label>
            <select id="to" name="to" required>
              <option value="">Choose…</option>
              {moves.map((s) => (
                <option key={s} value={s}>{STATE_LABELS[s]}</option>
              ))}
            </select>
            {moves.length < nextStates(report.state).length ? (
              <p class="hint">To acknowledge it, send the evaluation and the expected resolution date the policy promises (Evaluation).</p>
            ) : null}
          </div>
          {moves.includes('disclosed') && agreedDateAhead(readDisclosure(report), new Date()) ? (
            <div class="field">
              <label class="checkbox">
                <input type="checkbox" name="discloseEarly" value="yes" /> Disclose before the agreed date ({formatDisclosureMoment(report.disclosure_at!, report.disclosure_time_zone!)})
              </label>
              <p class="hint">“Disclosed” names the reporter on the thanks page. Before the agreed date, and with no advisory published, it takes this decision.</p>
            </div>
          ) : null}
          <details class="reason">
            <summary>Add a reason for the reporter</summary>
            <div class="field">
              <label for="reason">Reason <span class="optional">(optional, shown to the reporter)</span></label>
              <input id="reason" name="reason" maxLength={500} />
            </div>
          </details>
          <button type="submit">Change status</button>
        </form>
      ) : (
        <p class="meta">This status is final.</p>
      )}
      <h2 id="assignee-h">Assignee</h2>
      <form method="post" action={`${base}/assign`} class="row-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="field">
          <label for="assignee" class="visually-hidden">Assigned to</label>
          <select id="assignee" name="assignee">
            <option value="" selected={!report.assignee_id}>Nobody</option>
            {props.assignable.map((s) => (
              <option key={s.id} value={s.id} selected={s.id === report.assignee_id}>{s.displayName}</option>
            ))}
          </select>
        </div>
        <button type="submit">Assign</button>
      </form>
    </section>
  );
}

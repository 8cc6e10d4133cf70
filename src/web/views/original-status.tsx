import { STATE_LABELS } from '../../domain/lifecycle.ts';
import type { OriginalStatus } from '../../triage/original-status.ts';
import { formatLocalDate } from '../../triage/resolution-date.ts';

const FIX = { fixed: 'Fixed', 'in-progress': 'A fix is being worked on', 'not-yet': 'Not fixed yet' } as const;

/** On a duplicate's tracking page: how the earlier report of the same issue is progressing. */
export function OriginalStatusSection(props: { original: OriginalStatus }) {
  const o = props.original;
  return (
    <section aria-labelledby="original-h">
      <h2 id="original-h">The earlier report of this issue</h2>
      <p>Someone reported the same issue before you. You can follow its progress here; its content and its reporter stay confidential.</p>
      <dl class="summary">
        <dt>Received</dt>
        <dd>{formatLocalDate(o.receivedOn)}</dd>
        <dt>Status</dt>
        <dd>
          <span class={`state state-${o.state}`}>{STATE_LABELS[o.state]}</span>
        </dd>
        <dt>Severity</dt>
        <dd>{o.severity ? o.severity[0]!.toUpperCase() + o.severity.slice(1) : 'Not rated yet'}</dd>
        <dt>Fix</dt>
        <dd>{FIX[o.fix]}</dd>
      </dl>
    </section>
  );
}

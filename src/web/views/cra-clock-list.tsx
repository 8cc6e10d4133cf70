import { formatWallTime } from '../../calendar/zoned-time.ts';
import type { CraClock } from '../../cra/cra-clocks.ts';
import { formatDuration } from '../../sla/sla-explain.ts';

/** One case's three Article 14 clocks as a table, deadlines in the program's zone. */
export function CraClockTable(props: { clocks: readonly CraClock[]; zone: string; now: Date }) {
  const { zone, now } = props;
  const when = (d: Date) => <time dateTime={d.toISOString()}>{formatWallTime(d, zone, now)}</time>;
  return (
    <table class="clocks cra-clocks">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Due ({zone})</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {props.clocks.map((c) => (
          <tr key={c.step} class={`cra-${c.state}${c.state === 'running' && c.nearBreach ? ' cra-near' : ''}`}>
            <th scope="row">
              {c.label} <span class="meta">{c.article}</span>
            </th>
            <td>
              {'dueAt' in c ? when(c.dueAt) : <span class="meta">no deadline yet</span>}
              {'provisional' in c && c.provisional ? <span class="meta"> (provisional)</span> : null}
              <br />
              <span class="meta">{c.basis}</span>
            </td>
            <td>
              {c.state === 'running' ? (
                <>
                  due in {formatDuration(c.timeLeftMs)}
                  {c.nearBreach ? <span class="urgency urgency-near-breach">nearly due</span> : null}
                </>
              ) : c.state === 'overdue' ? (
                <span class="urgency urgency-breached">overdue by {formatDuration(c.overdueByMs)}</span>
              ) : c.state === 'submitted' ? (
                <>submitted {when(c.submittedAt)}{c.late ? <span class="urgency urgency-breached">late</span> : null}</>
              ) : (
                <span class="meta">waiting for a corrective or mitigating measure</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

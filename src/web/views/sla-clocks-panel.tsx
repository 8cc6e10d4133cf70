import { formatWallTime } from '../../calendar/zoned-time.ts';
import { clockUrgency, type ClockUrgency, type SlaClock } from '../../sla/sla-clocks.ts';
import { formatDuration } from '../../sla/sla-explain.ts';

/** Badge words per urgency; the CSS colours them, the words carry the meaning without colour. */
export const URGENCY_LABELS: Readonly<Record<ClockUrgency, string>> = {
  breached: 'Breached',
  'near-breach': 'Nearly due',
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
};

function status(clock: SlaClock): { label: string; cls: string } {
  switch (clock.state) {
    case 'met':
      return { label: 'Met', cls: 'met' };
    case 'breached':
      return clock.metAt ? { label: 'Met late', cls: 'breached' } : { label: 'Breached', cls: 'breached' };
    case 'running':
      return clock.nearBreach ? { label: 'Nearly due', cls: 'near-breach' } : { label: 'Running', cls: 'running' };
    case 'paused':
      return { label: 'Paused', cls: 'paused' };
    default:
      return { label: 'Not applicable', cls: 'done' };
  }
}

function timeLeft(clock: SlaClock, now: Date): string {
  switch (clock.state) {
    case 'running':
      return clock.timeLeftMs > 0 ? formatDuration(clock.timeLeftMs) : 'due now';
    case 'breached':
      return clock.metAt ? '—' : `overdue by ${formatDuration(now.getTime() - clock.dueAt.getTime())}`;
    case 'paused':
      return 'on hold';
    default:
      return '—';
  }
}

/** Every SLA clock of the report: due time in the program's zone, time left, status and the sentence saying why. */
export function SlaClocksPanel(props: { clocks: SlaClock[]; timeZone: string; now: Date }) {
  if (props.clocks.length === 0) return null;
  return (
    <section aria-labelledby="sla-h" class="sla-clocks">
      <h2 id="sla-h">Response times</h2>
      <table class="clocks">
        <thead>
          <tr>
            <th scope="col">Promise</th>
            <th scope="col">Due ({props.timeZone})</th>
            <th scope="col">Time left</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {props.clocks.map((c) => {
            const s = status(c);
            return (
              <tr key={c.name} class={`clock clock-${s.cls}`}>
                <th scope="row">
                  {c.label}
                  <p class="meta clock-why">{c.explanation}</p>
                </th>
                <td>{'dueAt' in c ? <time dateTime={c.dueAt.toISOString()}>{formatWallTime(c.dueAt, props.timeZone, props.now)}</time> : '—'}</td>
                <td>{timeLeft(c, props.now)}</td>
                <td>
                  <span class={`urgency urgency-${s.cls}`}>{s.label}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The most urgent badge of a set of clocks, for the inbox's Due view. */
export function UrgencyBadge(props: { urgency: ClockUrgency }) {
  if (props.urgency !== 'breached' && props.urgency !== 'near-breach') return null;
  return <span class={`urgency urgency-${props.urgency}`}>{URGENCY_LABELS[props.urgency]}</span>;
}

export { clockUrgency };

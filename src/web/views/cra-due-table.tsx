import { formatWallTime } from '../../calendar/zoned-time.ts';
import type { CraDueRow } from '../../cra/list-cra-due.ts';
import { formatDuration } from '../../sla/sla-explain.ts';

/** The Due view's EU CRA Article 14 deadlines: wall-clock hours, nothing paused; shown only when there are some. */
export function CraDueTable(props: { rows?: readonly CraDueRow[]; now: Date; timeZone: string }) {
  const rows = props.rows ?? [];
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="cra-due-h">
      <h2 id="cra-due-h">EU CRA reporting deadlines</h2>
      <p class="meta">Article 14 notifications to the CSIRT and ENISA, counted in wall-clock hours (nights, weekends and holidays count); times in {props.timeZone}.</p>
      <table class="inbox due cra-due">
        <thead>
          <tr>
            <th scope="col">Reference</th>
            <th scope="col">Title</th>
            <th scope="col">Due</th>
            <th scope="col">Notification</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const ms = r.dueAt.getTime() - props.now.getTime();
            return (
              <tr key={`${r.reference}-${r.kind}-${r.stepLabel}`} class={`due-${r.urgency}`}>
                <td class="ref">
                  <a href={`/staff/reports/${r.reference}/cra`}>{r.reference}</a>
                </td>
                <td>{r.title}</td>
                <td>
                  <time dateTime={r.dueAt.toISOString()}>{formatWallTime(r.dueAt, props.timeZone, props.now)}</time>{' '}
                  <span class="meta">({ms < 0 ? `overdue by ${formatDuration(-ms)}` : `in ${formatDuration(ms)}`}{r.provisional ? ', provisional' : ''})</span>
                  {r.urgency === 'breached' ? <span class="urgency urgency-breached">Overdue</span> : r.urgency === 'near-breach' ? <span class="urgency urgency-near-breach">Nearly due</span> : null}
                </td>
                <td>
                  {r.stepLabel} <span class="meta">{r.article}, {r.kindLabel.toLowerCase()}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

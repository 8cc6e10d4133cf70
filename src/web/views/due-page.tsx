import { formatWallTime } from '../../calendar/zoned-time.ts';
import { STATE_LABELS } from '../../domain/lifecycle.ts';
import type { DueRow } from '../../sla/list-due-reports.ts';
import { formatDuration } from '../../sla/sla-explain.ts';
import type { InboxTabCounts } from '../../reports/inbox-counts.ts';
import { InboxTabs } from './inbox-page.tsx';
import { Layout, type PageChrome } from './layout.tsx';
import { UrgencyBadge } from './sla-clocks-panel.tsx';
import { CraDueTable } from './cra-due-table.tsx';
import type { CraDueRow } from '../../cra/list-cra-due.ts';

function left(row: DueRow, now: Date): string {
  const ms = row.dueAt.getTime() - now.getTime();
  return ms < 0 ? `overdue by ${formatDuration(-ms)}` : `in ${formatDuration(ms)}`;
}

/** The inbox's "Due" tab: open reports by nearest SLA deadline, breaches and near-breaches marked. */
export function DuePage(props: {
  chrome: PageChrome;
  rows: DueRow[];
  now: Date;
  timeZone: string;
  mine: boolean;
  /** The inbox tabs' counts: the Due tab counts the reports listed here. */
  counts: InboxTabCounts;
  digest: { enabled: boolean; csrf: string; saved: boolean };
  /** EU CRA Article 14 deadlines (src/cra/list-cra-due.ts), above the SLA list. */
  cra?: CraDueRow[];
  /** A lead or admin of some program: offers "Record a severe incident" (src/cra/record-incident.ts). */
  canRecordIncident?: boolean;
}) {
  const { rows, now } = props;
  return (
    <Layout chrome={props.chrome} title="Due" wide>
      <h1>Due</h1>
      <InboxTabs current="due" filters={{}} counts={props.counts} />
      <nav aria-label="Whose reports" class="tabs">
        <a href="/staff/reports/due" aria-current={props.mine ? undefined : 'page'}>Everyone’s</a>
        <a href="/staff/reports/due?assignee=me" aria-current={props.mine ? 'page' : undefined}>Assigned to me</a>
      </nav>
      {props.canRecordIncident ? (
        <p class="meta">
          A severe incident nobody reported? <a href="/staff/cra/incidents/new">Record it for EU CRA reporting</a>.
        </p>
      ) : null}
      <CraDueTable rows={props.cra} now={now} timeZone={props.timeZone} />
      <p class="meta">
        Nearest SLA deadline first; times in {props.timeZone}. Reports waiting on the reporter have their clocks paused and are not listed; quarantined
        reports wait in the Quarantine tab until someone decides.
      </p>
      {rows.length === 0 ? (
        <p class="empty">Nothing is due.</p>
      ) : (
        <table class="inbox due">
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Title</th>
              <th scope="col">Due</th>
              <th scope="col">Clock</th>
              <th scope="col">Status</th>
              <th scope="col">Severity</th>
              <th scope="col">Assignee</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} class={`due-${r.urgency}`}>
                <td class="ref">
                  <a href={`/staff/reports/${r.reference}`}>{r.reference}</a>
                </td>
                <td>
                  <a href={`/staff/reports/${r.reference}`}>{r.title}</a>
                </td>
                <td>
                  <time dateTime={r.dueAt.toISOString()}>{formatWallTime(r.dueAt, props.timeZone, now)}</time> <span class="meta">({left(r, now)})</span>{' '}
                  <UrgencyBadge urgency={r.urgency} />
                </td>
                <td>{r.clock?.label ?? <span class="meta">—</span>}</td>
                <td>
                  <span class={`state state-${r.state}`}>{STATE_LABELS[r.state]}</span>
                </td>
                <td>{r.severity ? <span class={`severity severity-${r.severity}`}>{r.severity}</span> : <span class="meta">—</span>}</td>
                <td>{r.assigneeName ?? <span class="meta">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="digest-h">
        <h2 id="digest-h">Daily digest</h2>
        {props.digest.saved ? <p class="notice success" role="status">Digest preference saved.</p> : null}
        <form method="post" action="/staff/preferences/sla-digest">
          <input type="hidden" name="_csrf" value={props.digest.csrf} />
          <p>
            Each working morning you get one mail listing your reports that are due, nearly due or overdue.{' '}
            {props.digest.enabled ? 'It is on.' : 'It is off.'}
          </p>
          <input type="hidden" name="enabled" value={props.digest.enabled ? 'no' : 'yes'} />
          <button type="submit">{props.digest.enabled ? 'Stop the daily digest' : 'Send me the daily digest'}</button>
        </form>
      </section>
    </Layout>
  );
}

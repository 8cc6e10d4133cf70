import { formatWallTime } from '../../calendar/zoned-time.ts';
import type { Report } from '../../db/schema.ts';
import { STATE_LABELS } from '../../domain/lifecycle.ts';
import type { SlaClock } from '../../sla/sla-clocks.ts';
import { formatDuration } from '../../sla/sla-explain.ts';
import type { TriageView } from '../../triage/load-triage-view.ts';
import { formatDate } from './layout.tsx';
import { SlaClocksPanel } from './sla-clocks-panel.tsx';

const SEVERITY_LABELS: Record<string, string> = { none: 'None', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
const CHANNELS: Record<string, string> = { web: 'the web form', email: 'e-mail', api: 'the API', staff: 'the team (an incident record, no reporter)' };

type Pending = Extract<SlaClock, { state: 'running' | 'paused' | 'breached' }>;

/** The clock the team must watch: an open breach first, then the earliest running deadline, then a paused one. */
export function nextDeadline(clocks: SlaClock[]): Pending | undefined {
  const pending = clocks.filter((c): c is Pending => c.state === 'running' || c.state === 'paused' || (c.state === 'breached' && c.metAt === null));
  const rank = (c: Pending) => (c.state === 'breached' ? 0 : c.state === 'running' ? 1 : 2);
  return pending.sort((a, b) => rank(a) - rank(b) || a.dueAt.getTime() - b.dueAt.getTime())[0];
}

function Deadline(props: { clock: Pending; timeZone: string; now: Date }) {
  const { clock } = props;
  const when = <time dateTime={clock.dueAt.toISOString()}>{formatWallTime(clock.dueAt, props.timeZone, props.now)}</time>;
  if (clock.state === 'breached') {
    return (
      <>
        {clock.label} <span class="urgency urgency-breached">Overdue {formatDuration(props.now.getTime() - clock.dueAt.getTime())}</span>
      </>
    );
  }
  if (clock.state === 'paused') return <>{clock.label} <span class="urgency urgency-paused">Paused</span></>;
  return (
    <>
      {clock.label} by {when}{' '}
      <span class={`urgency urgency-${clock.nearBreach ? 'near-breach' : 'running'}`}>{clock.timeLeftMs > 0 ? `${formatDuration(clock.timeLeftMs)} left` : 'due now'}</span>
    </>
  );
}

/**
 * The top of the staff report page: reference, title and the facts a
 * triager scans first (state, severity, assignee, the next deadline, the
 * expected fix), with every response-time clock one click away.
 */
export function ReportHeader(props: { report: Report; triage?: TriageView; assignee?: string; product: string; vulnType: string }) {
  const { report, triage } = props;
  const next = triage ? nextDeadline(triage.clocks) : undefined;
  return (
    <header class="report-header">
      <p class="breadcrumb">
        <a href="/staff/reports">Inbox</a> › {report.reference}
      </p>
      <h1>
        <span class="reference">{report.reference}</span> {report.title}
      </h1>
      <p class="report-byline meta">
        {props.product} {report.product_version} · {props.vulnType} · received {formatDate(report.created_at)} by {CHANNELS[report.channel] ?? report.channel}
      </p>
      <dl class="report-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`state state-${report.state}`}>{STATE_LABELS[report.state]}</span>
            {report.quarantined ? <span class="state state-spam">Quarantined</span> : null}
          </dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>
            {triage?.team ? (
              <strong class={`severity severity-${triage.team.severity}`}>{triage.team.score} {SEVERITY_LABELS[triage.team.severity]}</strong>
            ) : (
              <span class="meta">not scored{triage?.reporterCvss?.score != null ? ` (reporter: ${triage.reporterCvss.score.toFixed(1)})` : ''}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd>{props.assignee ?? <span class="meta">nobody</span>}</dd>
        </div>
        <div>
          <dt>Next deadline</dt>
          <dd>{next && triage ? <Deadline clock={next} timeZone={triage.timeZone} now={triage.now} /> : <span class="meta">none running</span>}</dd>
        </div>
        <div>
          <dt>Expected fix</dt>
          <dd>{report.expected_resolution_date ?? <span class="meta">not set</span>}</dd>
        </div>
      </dl>
      {triage && triage.clocks.length ? (
        <details class="all-clocks">
          <summary>All response times ({triage.clocks.length})</summary>
          <SlaClocksPanel clocks={triage.clocks} timeZone={triage.timeZone} now={triage.now} />
        </details>
      ) : null}
    </header>
  );
}

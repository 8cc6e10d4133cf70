import type { JobStatus } from '../../jobs/job-status.ts';
import type { RefusedDelivery } from '../../mail/deliveries.ts';
import { formatDate, Layout, type PageChrome } from './layout.tsx';
import { JobState, RetryButton } from './job-status-views.tsx';

/** Admins: mail that has not gone out and jobs that failed, with the error and a retry. */
const TEMPLATE_LABELS: Record<RefusedDelivery['template'], string> = { acknowledgement: 'Acknowledgement to the reporter', 'reporter-update': 'Update to the reporter' };

function RefusedLine(props: { refused: RefusedDelivery }) {
  const r = props.refused;
  return (
    <>
      <strong>Refused by the relay</strong> on <time dateTime={r.at.toISOString()}>{formatDate(r.at)}</time>, not retried
    </>
  );
}

export function DeliveriesPage(props: { chrome: PageChrome; jobs: JobStatus[]; refused: RefusedDelivery[]; csrf: string; flash?: string }) {
  const failed = props.jobs.filter((j) => j.state === 'failed').length;
  return (
    <Layout chrome={props.chrome} title="Undelivered mail and failed jobs" wide>
      <h1>Undelivered mail and failed jobs</h1>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      <p class="meta">
        Mail to reporters and subscribers is retried for five days, team reminders for a day, before the worker gives up. Jobs listed
        here failed at least once: {failed} gave up, {props.jobs.length - failed} will be tried again. Retry sends one now; a job that gave
        up gets a fresh set of attempts. Fix the cause first (the relay, EMBARGO_SMTP_URL, the address), then retry.
      </p>
      {props.jobs.length === 0 ? (
        <p class="empty">Nothing failed: every job went through.</p>
      ) : (
        <table class="inbox jobs">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Report</th>
              <th scope="col">State</th>
              <th scope="col">Last error</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.jobs.map((j) => (
              <tr key={j.id} id={`job-${j.id}`}>
                <td>{j.label}</td>
                <td class="ref">{j.report ? <a href={`/staff/reports/${j.report.reference}`}>{j.report.reference}</a> : '—'}</td>
                <td><JobState job={j} /></td>
                <td><code>{j.lastError ?? ''}</code></td>
                <td>{j.state === 'running' ? null : <RetryButton action={`/staff/deliveries/${j.id}/retry`} csrf={props.csrf} failed={j.state === 'failed'} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Refused by the relay</h2>
      <p class="meta">
        Mail to reporters that the relay refused for good (a 5xx answer, such as an unknown mailbox): retrying the same mail would not
        help. Check the address with the reporter another way; the report's next update goes to the address it has then.
      </p>
      {props.refused.length === 0 ? (
        <p class="empty">No mail was refused.</p>
      ) : (
        <table class="inbox jobs">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Report</th>
              <th scope="col">When</th>
              <th scope="col">The relay's answer</th>
            </tr>
          </thead>
          <tbody>
            {props.refused.map((r, i) => (
              <tr key={`${r.jobId ?? 'x'}-${i}`}>
                <td>{TEMPLATE_LABELS[r.template]}</td>
                <td class="ref"><a href={`/staff/reports/${r.report.reference}`}>{r.report.reference}</a></td>
                <td><time dateTime={r.at.toISOString()}>{formatDate(r.at)}</time></td>
                <td><code>{r.response ?? ''}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** The report page's panel: its mail to the reporter that has not gone out yet, or was refused. Nothing when all went out. */
export function ReportDeliveriesPanel(props: { jobs: JobStatus[]; refused: RefusedDelivery[]; base: string; csrf: string; canRetry: boolean }) {
  if (props.jobs.length === 0 && props.refused.length === 0) return null;
  return (
    <section aria-labelledby="deliveries-h">
      <h2 id="deliveries-h">Mail to the reporter not sent yet</h2>
      <ul class="deliveries">
        {props.jobs.map((j) => (
          <li key={j.id}>
            {j.label}: <JobState job={j} />
            {j.lastError ? <> <span class="meta">({j.lastError})</span></> : null}
            {props.canRetry && j.state !== 'running' && j.attempts > 0 ? (
              <> <RetryButton action={`${props.base}/deliveries/${j.id}/retry`} csrf={props.csrf} failed={j.state === 'failed'} /></>
            ) : null}
          </li>
        ))}
        {props.refused.map((r, i) => (
          <li key={`refused-${i}`}>
            {TEMPLATE_LABELS[r.template]}: <RefusedLine refused={r} />
            {r.response ? <> <span class="meta">({r.response})</span></> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

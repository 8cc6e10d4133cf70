import type { JobStatus } from '../../jobs/job-status.ts';
import { formatDate } from './layout.tsx';

/** Where a job stands, in words: queued, retrying (attempt n of N, next try), or given up. */
export function JobState(props: { job: JobStatus }) {
  const { job } = props;
  if (job.state === 'failed') {
    return (
      <>
        <strong>Not delivered: gave up</strong> after {job.attempts} attempts
        {job.finishedAt ? <>, <time dateTime={job.finishedAt.toISOString()}>{formatDate(job.finishedAt)}</time></> : null}
      </>
    );
  }
  if (job.state === 'running') return <>Being tried now (attempt {job.attempts} of {job.budget})</>;
  if (job.attempts === 0) return <>Queued</>;
  return (
    <>
      Retrying: {job.attempts} of {job.budget} attempts failed; next <time dateTime={job.runAt.toISOString()}>{formatDate(job.runAt)}</time>
    </>
  );
}

/** A one-button form that retries a job now. */
export function RetryButton(props: { action: string; csrf: string; failed: boolean }) {
  return (
    <form method="post" action={props.action} class="inline">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit">{props.failed ? 'Retry' : 'Retry now'}</button>
    </form>
  );
}

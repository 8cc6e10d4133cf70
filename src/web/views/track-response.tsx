import { formatWallTime } from '../../calendar/zoned-time.ts';
import { firstResponseParts } from '../../policy/promise-words.ts';
import type { ProgramConfig } from '../../programs/program-config.ts';
import type { SlaClock } from '../../sla/sla-clocks.ts';

/** What the reporter's page needs to say when they will hear from the team. */
export interface FirstResponseView {
  /** The first-response clock; absent when the program sets none. */
  clock: SlaClock | undefined;
  sla: Pick<ProgramConfig['sla'], 'firstResponseBusinessDays' | 'firstResponse'>;
  timeZone: string;
  /** Whether the evaluation and expected resolution date were sent (never claimed otherwise). */
  evaluationSent: boolean;
  now: Date;
}

/**
 * The first-response promise on the tracking page: by when the reporter will
 * hear from the team (the clock's due time, in the program's zone, with the
 * program's own words), or when that was done. Nothing when the promise does
 * not apply (spam).
 */
export function FirstResponseNotice(props: FirstResponseView) {
  const { clock, timeZone, now } = props;
  if (!clock || clock.state === 'not-applicable') return null;
  const at = (d: Date) => (
    <>
      <time dateTime={d.toISOString()}>{formatWallTime(d, timeZone, now)}</time> ({timeZone} time)
    </>
  );
  const promised = firstResponseParts(props.sla).what;
  const answered = props.evaluationSent ? 'We sent our evaluation and an expected resolution date on' : props.sla.firstResponse === 'reply' ? 'We replied on' : 'We answered on';
  switch (clock.state) {
    case 'running':
      return (
        <p class="promise next-answer">
          You will hear from us by <strong>{at(clock.dueAt)}</strong>
          {promised}.
        </p>
      );
    case 'paused':
      return (
        <p class="promise next-answer">
          We asked you a question. The time we promised for our answer is on hold until you reply: if you reply now, you will hear from us by{' '}
          <strong>{at(clock.dueAt)}</strong>
          {promised}.
        </p>
      );
    case 'met':
      return (
        <p class="promise next-answer met">
          {answered} {at(clock.metAt)}, within the time we promised.
        </p>
      );
    case 'breached':
      return clock.metAt ? (
        <p class="promise next-answer">
          {answered} {at(clock.metAt)}, later than the {at(clock.dueAt)} we promised. We are sorry for the wait.
        </p>
      ) : (
        <p class="promise next-answer late">
          We promised to get back to you by {at(clock.dueAt)}
          {promised}, and we are late. We are sorry; you will hear from us as soon as possible, and you can write to us below.
        </p>
      );
  }
}

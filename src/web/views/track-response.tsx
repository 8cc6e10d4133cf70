import type { Translator } from '../../i18n/translator.ts';
import { firstResponseKind } from '../../policy/promise-words.ts';
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
export function FirstResponseNotice(props: FirstResponseView & { t: Translator }) {
  const { clock, timeZone, now } = props;
  const tr = props.t;
  if (!clock || clock.state === 'not-applicable') return null;
  // In the reader's language and format, in the program's zone, with the zone named.
  const at = (d: Date) => <time dateTime={d.toISOString()}>{tr.dateTime(d, timeZone, now)}</time>;
  const kind = firstResponseKind(props.sla);
  const how = props.evaluationSent ? 'evaluation' : props.sla.firstResponse === 'reply' ? 'reply' : 'answer';
  const strong = (c: unknown[]) => <strong>{c}</strong>;
  switch (clock.state) {
    case 'running':
      return <p class="promise next-answer">{tr.rich('response.running', { kind, due: at(clock.dueAt), strong })}</p>;
    case 'paused':
      return <p class="promise next-answer">{tr.rich('response.paused', { kind, due: at(clock.dueAt), strong })}</p>;
    case 'met':
      return <p class="promise next-answer met">{tr.rich('response.met', { how, at: at(clock.metAt) })}</p>;
    case 'breached':
      return clock.metAt ? (
        <p class="promise next-answer">{tr.rich('response.lateMet', { how, at: at(clock.metAt), due: at(clock.dueAt) })}</p>
      ) : (
        <p class="promise next-answer late">{tr.rich('response.late', { kind, due: at(clock.dueAt) })}</p>
      );
  }
}

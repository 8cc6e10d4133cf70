import type { Translator } from '../i18n/translator.ts';
import type { ProgramConfig } from '../programs/program-config.ts';

export function businessDays(n: number): string {
  return `${n} business day${n === 1 ? '' : 's'}`;
}

type FirstResponseSettings = Pick<ProgramConfig['sla'], 'firstResponseBusinessDays' | 'firstResponse'>;

/**
 * What the first response promises, as the `kind` of the translated promise messages
 * ("promise.within" and those that embed it): the words are the catalogue's, the
 * number of days and the kind the program's settings (issue 10).
 */
export function firstResponseKind(sla: FirstResponseSettings): 'reply' | 'evaluation' {
  return sla.firstResponse === 'reply' ? 'reply' : 'evaluation';
}

/** The first-response promise in the reader's language: "within 3 business days with our evaluation…" (program settings fill it). */
export function firstResponseWordsIn(t: Translator, sla: FirstResponseSettings): string {
  return t.t('promise.within', { kind: firstResponseKind(sla), days: sla.firstResponseBusinessDays });
}

/** The first-response promise in two parts, the time ("3 business days") and what is sent within it, for pages that stress the time. */
export function firstResponseParts(sla: FirstResponseSettings): { time: string; what: string } {
  return {
    time: businessDays(sla.firstResponseBusinessDays),
    what: sla.firstResponse === 'reply' ? '' : ' with our evaluation of the report and an expected resolution date',
  };
}

/**
 * The program's first-response promise in words, from its SLA settings, so
 * every public sentence promises what the clocks measure: "within 3 business
 * days with our evaluation of the report and an expected resolution date", or
 * "within 1 business day" where only a reply is promised.
 */
export function firstResponseWords(sla: FirstResponseSettings): string {
  const { time, what } = firstResponseParts(sla);
  return `within ${time}${what}`;
}

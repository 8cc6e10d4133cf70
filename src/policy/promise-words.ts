import type { ProgramConfig } from '../programs/program-config.ts';

export function businessDays(n: number): string {
  return `${n} business day${n === 1 ? '' : 's'}`;
}

type FirstResponseSettings = Pick<ProgramConfig['sla'], 'firstResponseBusinessDays' | 'firstResponse'>;

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

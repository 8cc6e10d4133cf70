import type { ProgramConfig } from '../programs/program-config.ts';
import { businessDays } from './policy-text.ts';

/**
 * The program's first-response promise in words, from its SLA settings, so
 * every public sentence promises what the clocks measure: "within 3 business
 * days with our evaluation of the report and an expected resolution date", or
 * "within 1 business day" where only a reply is promised.
 */
export function firstResponseWords(sla: Pick<ProgramConfig['sla'], 'firstResponseBusinessDays' | 'firstResponse'>): string {
  const within = `within ${businessDays(sla.firstResponseBusinessDays)}`;
  return sla.firstResponse === 'reply' ? within : `${within} with our evaluation of the report and an expected resolution date`;
}

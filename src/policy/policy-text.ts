import type { ProgramConfig } from '../programs/program-config.ts';

export function businessDays(n: number): string {
  return `${n} business day${n === 1 ? '' : 's'}`;
}

/**
 * Fills a policy section's placeholders from the program's structured
 * settings, so the published promise and the SLA clock never disagree.
 * Placeholders: {{firstResponse}} ("3 business days"),
 * {{firstResponseBusinessDays}} ("3"), {{earlyCustomerNotice}}.
 */
export function policyText(program: { config: ProgramConfig }, text: string): string {
  const { sla, earlyCustomerNotice } = program.config;
  const early = earlyCustomerNotice
    ? `the fix is likely to take more than ${earlyCustomerNotice.fixExpectedBeyondHours} hours and the risk is ${earlyCustomerNotice.minSeverity} or higher, in which case we tell affected customers earlier, so they can protect themselves before the fix`
    : 'we judge that customers must act before a fix is available';
  return text
    .replaceAll('{{firstResponse}}', businessDays(sla.firstResponseBusinessDays))
    .replaceAll('{{firstResponseBusinessDays}}', String(sla.firstResponseBusinessDays))
    .replaceAll('{{earlyCustomerNotice}}', early);
}

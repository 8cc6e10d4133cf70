import type { ProgramConfig, PolicySections } from '../programs/program-config.ts';
import type { Translator } from '../i18n/translator.ts';
import { businessDays, firstResponseWords, firstResponseWordsIn } from './promise-words.ts';

type Settings = Pick<ProgramConfig, 'sla' | 'earlyCustomerNotice'>;

/**
 * The placeholders a policy may use, each filled from the program's settings,
 * so the published promise and the SLA clock never disagree. The one list the
 * editor shows, publication checks and docs/configuration.md describes.
 */
export const POLICY_PLACEHOLDERS: readonly { name: string; means: string; fill: (c: Settings) => string; fillIn?: (c: Settings, t: Translator) => string }[] = [
  {
    name: 'firstResponse',
    means: 'the first-response time, e.g. “3 business days” (sla.firstResponseBusinessDays)',
    fill: (c) => businessDays(c.sla.firstResponseBusinessDays),
    fillIn: (c, t) => t.t('promise.businessDays', { days: c.sla.firstResponseBusinessDays }),
  },
  { name: 'firstResponseBusinessDays', means: 'the same as a bare number, e.g. “3”', fill: (c) => String(c.sla.firstResponseBusinessDays) },
  {
    name: 'firstResponsePromise',
    means: 'the whole first-response promise (sla.firstResponse), e.g. “within 3 business days with our evaluation of the report and an expected resolution date”',
    fill: (c) => firstResponseWords(c.sla),
    fillIn: (c, t) => firstResponseWordsIn(t, c.sla),
  },
  {
    name: 'earlyCustomerNotice',
    means: 'when customers hear before the fix (earlyCustomerNotice)',
    fill: ({ earlyCustomerNotice: e }) =>
      e
        ? `the fix is likely to take more than ${e.fixExpectedBeyondHours} hours and the risk is ${e.minSeverity} or higher, in which case we tell affected customers earlier, so they can protect themselves before the fix`
        : 'we judge that customers must act before a fix is available',
    fillIn: ({ earlyCustomerNotice: e }, t) =>
      e ? t.t('promise.earlyNotice', { hours: e.fixExpectedBeyondHours, severity: e.minSeverity }) : t.t('promise.earlyNoticeJudged'),
  },
];

const PLACEHOLDER = /\{\{(.*?)\}\}/g;

/**
 * Fills a policy section's placeholders from the program's structured settings; with a
 * translator, in the reader's language (a policy translation is filled in its own language).
 */
export function policyText(program: { config: Settings }, text: string, t?: Translator): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const p = POLICY_PLACEHOLDERS.find((q) => q.name === name);
    if (!p) return whole;
    return t && p.fillIn ? p.fillIn(program.config, t) : p.fill(program.config);
  });
}

/** The `{{names}}` in a text that are not placeholders: a typo would be published as is. */
export function unknownPlaceholders(text: string): string[] {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !POLICY_PLACEHOLDERS.some((p) => p.name === n));
  return [...new Set(names)];
}

/** Per section, a sentence naming its unknown placeholders; empty when every one is known. */
export function placeholderProblems(sections: Partial<PolicySections>): Record<string, string> {
  const known = POLICY_PLACEHOLDERS.map((p) => `{{${p.name}}}`).join(', ');
  const problems: Record<string, string> = {};
  for (const [key, text] of Object.entries(sections)) {
    const unknown = typeof text === 'string' ? unknownPlaceholders(text) : [];
    if (unknown.length) problems[key] = `Unknown placeholder${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `{{${n}}}`).join(', ')}: use ${known}.`;
  }
  return problems;
}

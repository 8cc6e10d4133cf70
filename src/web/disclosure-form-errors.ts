import type { MessageKey } from '../i18n/catalogues.ts';
import { translator, type Translator } from '../i18n/translator.ts';

/**
 * The reporter's disclosure-date form in their language. The rules
 * (src/disclosure/disclosure-rules.ts, write-disclosure.ts) keep their English
 * for staff and the API; the tracking page re-words each known refusal here.
 * A sentence this table does not know stays English (test/http/languages-forms.test.ts
 * covers the ones a reporter meets most).
 */
const EXACT: readonly MessageKey[] = [
  'disclosure.error.dateFormat',
  'disclosure.error.timeFormat',
  'disclosure.error.timeZone',
  'disclosure.error.past',
  'disclosure.error.reasonNeeded',
  'disclosure.error.noneProposed',
  'disclosure.error.changed',
  'disclosure.error.ownProposal',
  'disclosure.error.passed',
  'disclosure.error.form',
  'disclosure.error.closed',
];
/** The rules' English sentence (the English catalogue holds the same words) → its key. */
const EXACT_KEYS = new Map(EXACT.map((key) => [translator('en').t(key), key] as const));

function localize(message: string, tr: Translator): string {
  const key = EXACT_KEYS.get(message);
  if (key) return tr.t(key);
  const years = /^Choose a date within (\d+) years\.$/.exec(message);
  if (years) return tr.t('disclosure.error.tooFar', { years: Number(years[1]) });
  const long = /^Keep the message under (\d+) characters\.$/.exec(message);
  if (long) return tr.t('disclosure.error.tooLong', { max: Number(long[1]) });
  return message;
}

export function localizedDisclosureErrors(errors: Record<string, string>, tr: Translator): Record<string, string> {
  if (tr.language === 'en') return errors;
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, localize(message, tr)]));
}

import type { z } from 'zod';
import { NUL_MESSAGE } from '../domain/nul-characters.ts';
import type { MessageKey } from '../i18n/catalogues.ts';
import type { Translator } from '../i18n/translator.ts';

/** Fields that are required text: their messages name the field and add a hint on what to write. */
const REQUIRED_TEXT = new Set(['title', 'productVersion', 'description', 'stepsToReproduce', 'impact', 'body']);

/** Fields whose every refusal has one fixed sentence. */
const CHOICE_ERRORS: Readonly<Record<string, MessageKey>> = {
  product: 'form.error.product',
  vulnerabilityType: 'form.error.vulnerabilityType',
  creditPreference: 'form.error.creditPreference',
  aiAssistance: 'form.error.aiAssistance',
  acceptPolicy: 'form.error.acceptPolicy',
};

/**
 * The validation messages of the report form (and the tracking page's credit and
 * reply forms) in the reader's language: the same rules as src/domain/report-input.ts,
 * which keeps its English for the API and staff; each zod issue is re-worded from
 * its kind and limits, never from its English text.
 */
export function localizedFieldErrors(error: z.ZodError, tr: Translator, /** The field of a schema that validates one value (no path). */ bare = '_form'): Record<string, string> {
  const { t } = tr;
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? bare);
    if (out[field] !== undefined) continue;
    const label = REQUIRED_TEXT.has(field) || field in LABEL_KEYS ? t(LABEL_KEYS[field] ?? (`form.label.${field}` as MessageKey)) : field;
    const hint = REQUIRED_TEXT.has(field) ? t(`form.requiredHint.${field}` as MessageKey) : '';
    const control = issue.code === 'custom' ? (issue.params as { controlCharacter?: string } | undefined)?.controlCharacter : undefined;
    if (issue.message === NUL_MESSAGE) out[field] = t('form.error.nul');
    else if (control) out[field] = t('form.error.control', { code: control });
    else if (CHOICE_ERRORS[field]) out[field] = t(CHOICE_ERRORS[field]);
    else if (issue.code === 'too_big') out[field] = t('form.error.tooLong', { label, max: Number(issue.maximum) });
    else if (issue.code === 'too_small' && Number(issue.minimum) > 1) out[field] = t('form.error.tooShort', { label, min: Number(issue.minimum), hint });
    else if (REQUIRED_TEXT.has(field) && (issue.code === 'too_small' || issue.code === 'invalid_type')) out[field] = t('form.error.required', { label, hint });
    else if (field === 'reporterEmail') out[field] = t('form.error.reporterEmail');
    else if (field === 'reporterName' && issue.code === 'custom') out[field] = t('form.error.creditName');
    else if (field === 'reporterHandle' && issue.code === 'custom') out[field] = t('form.error.creditHandle');
    else if (field === 'cvssVector') out[field] = t('form.error.cvssVector', { detail: issue.message });
    else out[field] = issue.message;
  }
  return out;
}

const LABEL_KEYS: Readonly<Record<string, MessageKey>> = {
  title: 'form.label.title',
  productVersion: 'form.label.productVersion',
  description: 'form.label.description',
  stepsToReproduce: 'form.label.stepsToReproduce',
  impact: 'form.label.impact',
  cvssVector: 'form.label.cvssVector',
  reporterName: 'form.label.reporterName',
  reporterHandle: 'form.label.reporterHandle',
  reporterEmail: 'form.label.reporterEmail',
  body: 'track.reply.message',
};

import { z } from 'zod';

/**
 * The languages Embargo ships complete: every public page, the report form, the
 * tracking page, error pages and every mail to reporters and subscribers
 * (docs/languages.md). Adding one: a catalogue in messages/, an entry here.
 */
export const LANGUAGES = ['en', 'sv', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';

/** Each language's name in itself, for the language links (a reader looks for their own word). */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', sv: 'Svenska', it: 'Italiano' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export const languageSchema = z.enum(LANGUAGES);

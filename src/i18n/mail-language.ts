import type { Program } from '../programs/programs.ts';
import { isLanguage, type Language } from './languages.ts';

/**
 * The language of mail to a reporter or subscriber: the one stored with them (chosen on the
 * page, or named by the API) while the program still offers it, else the program's default.
 */
export function mailLanguage(program: Pick<Program, 'config'>, stored: string | null | undefined): Language {
  const { offered, default: fallback } = program.config.languages;
  return isLanguage(stored) && offered.includes(stored) ? stored : fallback;
}

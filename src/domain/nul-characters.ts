/**
 * U+0000 (NUL): PostgreSQL text, and so PGlite, cannot hold it, and no
 * person types it. Text that comes in over HTTP is refused with this
 * message; text that nobody typed (mail) has it stripped.
 */
export const NUL_MESSAGE = 'This text contains a control character (U+0000, NUL) that cannot be stored. Remove it and try again.';

/** The text without NUL characters (for mail and other text no one typed). */
export function stripNul(text: string): string {
  return text.replace(/\u0000/g, '');
}

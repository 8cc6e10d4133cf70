/**
 * U+0000 (NUL): PostgreSQL text, and so PGlite, cannot hold it, and no
 * person types it. Text that comes in over HTTP is refused with this
 * message; text that nobody typed (mail) has it stripped.
 */
export const NUL_MESSAGE = 'This text contains a control character (U+0000, NUL) that cannot be stored. Remove it and try again.';

const NUL = /\u0000/;

/** Whether a string holds NUL. */
export function hasNul(text: string): boolean {
  return NUL.test(text);
}

/** The text without NUL characters (for mail and other text no one typed). */
export function stripNul(text: string): string {
  return text.replace(/\u0000/g, '');
}

/**
 * The names of the fields, at any depth, whose strings (or keys) hold NUL:
 * "title", "credits.0.name". At most `limit`, to bound the work on hostile input.
 */
export function fieldsWithNul(value: unknown, limit = 20): string[] {
  const found: string[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (found.length >= limit || depth > 20) return;
    if (typeof v === 'string') {
      if (hasNul(v)) found.push(path || 'value');
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, path ? `${path}.${i}` : String(i), depth + 1));
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [key, item] of Object.entries(v)) {
        const name = path ? `${path}.${stripNul(key)}` : stripNul(key);
        if (hasNul(key)) found.push(name);
        else walk(item, name, depth + 1);
      }
    }
  };
  walk(value, '', 0);
  return found;
}

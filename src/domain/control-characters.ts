import { NUL_MESSAGE } from './nul-characters.ts';

/**
 * Control characters (Unicode category Cc: C0, DEL, C1) that no person types
 * into a form. Tab and line breaks are typed in text of several lines, so they
 * are allowed there; everywhere else every control character is refused with
 * a message that names it, and text nobody typed has them stripped.
 */
const NEVER_TYPED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

const NAMES: Readonly<Record<string, string>> = { '\u0000': 'NUL', '\t': 'tab', '\n': 'line break', '\r': 'line break', '\u001b': 'escape', '\u007f': 'DEL' };

/** The first control character not allowed in `text`: tab and line breaks are allowed only when it is multi-line. */
export function firstControlCharacter(text: string, multiline: boolean): string | undefined {
  return (multiline ? NEVER_TYPED : ANY_CONTROL).exec(text)?.[0];
}

/** "U+0007": the character's code point, the same in every language. */
export function controlCharacterCode(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "U+0007", or "U+000A, line break" for the ones people know by name. */
export function controlCharacterName(ch: string): string {
  const code = controlCharacterCode(ch);
  return NAMES[ch] ? `${code}, ${NAMES[ch]}` : code;
}

/** The English field message for a control character (the web form words it in the reader's language). */
export function controlCharacterMessage(ch: string): string {
  if (ch === '\u0000') return NUL_MESSAGE;
  return `This text contains a control character (${controlCharacterName(ch)}) that is not allowed here. Remove it and try again.`;
}

/** The text without any control character (for header-like values nobody typed, such as a declared Content-Type). */
export function stripControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '');
}

/**
 * The fields, at any depth, whose strings (or keys) hold a character `find`
 * returns: paths like "title" and "credits.0.name", each with the character
 * found. At most `limit`, to bound the work on hostile input.
 */
export function fieldsWithControl(value: unknown, find: (text: string) => string | undefined, limit = 20): { path: string; character: string }[] {
  const found: { path: string; character: string }[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (found.length >= limit || depth > 20) return;
    if (typeof v === 'string') {
      const character = find(v);
      if (character !== undefined) found.push({ path: path || 'value', character });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, path ? `${path}.${i}` : String(i), depth + 1));
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [key, item] of Object.entries(v)) {
        const name = path ? `${path}.${stripControlCharacters(key)}` : stripControlCharacters(key);
        const character = find(key);
        if (character !== undefined) found.push({ path: name, character });
        else walk(item, name, depth + 1);
      }
    }
  };
  walk(value, '', 0);
  return found;
}

import type { Language } from './languages.ts';
import { en } from './messages/en.ts';
import { it } from './messages/it.ts';
import { sv } from './messages/sv.ts';

export type { MessageKey, Messages } from './messages/en.ts';

/** Every shipped language's messages; a catalogue that misses or adds a key does not type-check. */
export const CATALOGUES: Readonly<Record<Language, Readonly<Record<string, string>>>> = { en, sv, it };

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGUES } from '../../src/i18n/catalogues.ts';
import { LANGUAGES } from '../../src/i18n/languages.ts';

type Ast = ReturnType<IntlMessageFormat['getAst']>;

/**
 * What a message asks of the code, whatever its words: every placeholder with its kind
 * ({n, plural}, {kind, select}, <tag>), and the options of each select and plural. Two
 * languages of one key must ask the same, or the code fills one of them wrong.
 */
function signature(ast: Ast, out = new Set<string>()): Set<string> {
  for (const el of ast) {
    // Element types of @formatjs/icu-messageformat-parser: 0 literal, 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural, 7 pound, 8 tag.
    const e = el as { type: number; value?: string; options?: Record<string, { value: Ast }>; children?: Ast };
    if (e.type === 0 || e.type === 7) continue;
    out.add(`${e.type === 1 ? 'text' : e.type === 5 ? 'select' : e.type === 6 ? 'plural' : e.type === 8 ? 'tag' : `type${e.type}`}:${e.value}`);
    if (e.options) {
      out.add(`${e.value} options: ${Object.keys(e.options).sort().join(',')}`);
      for (const o of Object.values(e.options)) signature(o.value, out);
    }
    if (e.children) signature(e.children, out);
  }
  return out;
}

function parse(language: string, key: string, message: string): Ast {
  try {
    return new IntlMessageFormat(message, language).getAst();
  } catch (err) {
    throw new Error(`${language} ${key} is not valid ICU MessageFormat: ${(err as Error).message}`);
  }
}

const en = CATALOGUES.en;

describe('message catalogues', () => {
  it('English is the reference: every message parses, none is empty', () => {
    assert.ok(Object.keys(en).length > 100);
    for (const [key, message] of Object.entries(en)) {
      assert.notEqual(message.trim(), '', `en ${key} is empty`);
      parse('en', key, message);
    }
  });

  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    const catalogue = CATALOGUES[language];

    it(`${language}: has every English key, and no other`, () => {
      const missing = Object.keys(en).filter((k) => !(k in catalogue));
      const extra = Object.keys(catalogue).filter((k) => !(k in en));
      assert.deepEqual(missing, [], `${language} misses keys`);
      assert.deepEqual(extra, [], `${language} has keys English does not`);
    });

    it(`${language}: no message is empty`, () => {
      const empty = Object.entries(catalogue).filter(([, m]) => m.trim() === '').map(([k]) => k);
      assert.deepEqual(empty, [], `${language} has empty messages`);
    });

    it(`${language}: every message has the English one’s placeholders, plurals, selects and tags`, () => {
      const differing: string[] = [];
      for (const [key, message] of Object.entries(en)) {
        const theirs = catalogue[key];
        if (theirs === undefined) continue; // reported above
        const a = [...signature(parse('en', key, message))].sort();
        const b = [...signature(parse(language, key, theirs))].sort();
        if (JSON.stringify(a) !== JSON.stringify(b)) differing.push(`${key}: en ${JSON.stringify(a)} ≠ ${language} ${JSON.stringify(b)}`);
      }
      assert.deepEqual(differing, []);
    });
  }

  it('no message uses a straight apostrophe (ICU quoting would swallow the text after it)', () => {
    const straight = LANGUAGES.flatMap((l) => Object.entries(CATALOGUES[l]).filter(([, m]) => m.includes("'")).map(([k]) => `${l} ${k}`));
    assert.deepEqual(straight, []);
  });

  it('the check itself fails on a dropped placeholder, a changed plural and an unknown select option', () => {
    const base = signature(parse('en', 't', 'Hi {name}, {n, plural, one {# day} other {# days}} <b>x</b>'));
    assert.notDeepEqual([...signature(parse('sv', 't', 'Hej, {n, plural, one {# dag} other {# dagar}} <b>x</b>'))].sort(), [...base].sort());
    assert.notDeepEqual([...signature(parse('sv', 't', 'Hej {name}, {n, plural, other {# dagar}} <b>x</b>'))].sort(), [...base].sort());
    assert.notDeepEqual([...signature(parse('sv', 't', 'Hej {name}, {n, select, one {# dag} other {# dagar}} <b>x</b>'))].sort(), [...base].sort());
    assert.deepEqual([...signature(parse('sv', 't', 'Hej {name}, {n, plural, one {# dag} other {# dagar}} <b>y</b>'))].sort(), [...base].sort());
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiateLanguage, parseAcceptLanguage } from '../../src/i18n/accept-language.ts';

const offered = ['en', 'sv', 'it'] as const;

describe('Accept-Language', () => {
  it('orders ranges by q-value, ties in the header’s order; q=0 and malformed entries drop out', () => {
    assert.deepEqual(parseAcceptLanguage('it;q=0.5, sv-SE, en;q=0.9, de;q=0, ;q=1, x y, fr;q=abc'), [
      { range: 'sv-se', q: 1 },
      { range: 'en', q: 0.9 },
      { range: 'it', q: 0.5 },
    ]);
    assert.deepEqual(parseAcceptLanguage(undefined), []);
  });

  it('picks the offered language the reader prefers most, by primary subtag', () => {
    assert.equal(negotiateLanguage('sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7', offered), 'sv');
    assert.equal(negotiateLanguage('de-DE, it;q=0.4, en;q=0.3', offered), 'it');
    assert.equal(negotiateLanguage('en;q=0.2, it-CH;q=0.8', offered), 'it');
    assert.equal(negotiateLanguage('de, fr', offered), undefined);
    assert.equal(negotiateLanguage('', offered), undefined);
  });

  it('"*" stands for any language not named, and never for one refused with q=0', () => {
    assert.equal(negotiateLanguage('de, *;q=0.5', offered), 'en');
    assert.equal(negotiateLanguage('en;q=0, de, *;q=0.5', offered), 'sv');
    assert.equal(negotiateLanguage('en;q=0, sv;q=0, it;q=0, *', offered), undefined);
  });

  it('only offers what the program offers', () => {
    assert.equal(negotiateLanguage('it, en;q=0.5', ['en', 'sv']), 'en');
  });
});

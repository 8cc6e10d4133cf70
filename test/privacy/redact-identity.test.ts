import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactIdentity } from '../../src/privacy/redact-identity.ts';

describe('redactIdentity', () => {
  it('replaces the name, handle and address wherever they stand, ignoring case', () => {
    assert.equal(
      redactIdentity('Hello Mary Privacy (@mp, MARY@example.org): thanks, mary privacy.', ['Mary Privacy', 'mp', 'mary@example.org']),
      'Hello [erased] (@[erased], [erased]): thanks, [erased].',
    );
  });

  it('takes whole words only, so a short handle leaves other words alone', () => {
    assert.equal(redactIdentity('The map is a bitmap; ask al.', ['al', 'map']), 'The [erased] is a bitmap; ask [erased].');
  });

  it('matches the longest value first and treats them as text, not patterns', () => {
    assert.equal(redactIdentity('Dear Ann Lee and Ann', ['Ann', 'Ann Lee']), 'Dear [erased] and [erased]');
    assert.equal(redactIdentity('a.b+c (x) a-b+c', ['a.b+c (x)']), '[erased] a-b+c');
  });

  it('leaves the text as it is with nothing to erase', () => {
    assert.equal(redactIdentity('Nothing here.', [null, undefined, '  ', '']), 'Nothing here.');
  });
});

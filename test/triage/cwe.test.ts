import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VULNERABILITY_TYPES } from '../../src/domain/report-input.ts';
import { allCwes, CWE_SOURCE, CWE_SUGGESTIONS, findCwe, searchCwe, suggestedCwes } from '../../src/triage/cwe.ts';

const ids = (list: { id: number }[]) => list.map((c) => c.id);

describe('CWE list', () => {
  it('ships the current weaknesses with names, without deprecated entries', () => {
    assert.match(CWE_SOURCE, /^MITRE CWE 4\.\d+/);
    assert.ok(allCwes().length > 900);
    assert.equal(findCwe(79)?.label, "CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')");
    assert.equal(findCwe('CWE-787')?.name, 'Out-of-bounds Write');
    assert.equal(findCwe(' cwe-89 ')?.id, 89);
    assert.equal(findCwe('89')?.usage, 'Allowed');
    assert.equal(findCwe(200)?.usage, 'Discouraged');
    assert.equal(findCwe(1004)?.name, "Sensitive Cookie Without 'HttpOnly' Flag", 'XML entities decoded');
    assert.equal(findCwe(16), undefined, 'categories are not weaknesses');
    assert.equal(findCwe(1), undefined);
    assert.equal(findCwe('xss'), undefined);
  });

  it('finds weaknesses by id, shorthand or the beginnings of words, best first', () => {
    assert.deepEqual(ids(searchCwe('CWE-22', 1)), [22]);
    assert.deepEqual(ids(searchCwe('xss', 1)), [79]);
    assert.deepEqual(ids(searchCwe('idor', 1)), [639]);
    assert.equal(searchCwe('sql inj')[0]?.id, 89);
    assert.equal(searchCwe('path trav')[0]?.id, 22);
    assert.equal(searchCwe('use after free')[0]?.id, 416);
    assert.ok(ids(searchCwe('deserialization')).includes(502));
    assert.ok(ids(searchCwe('Cross-site request forgery')).includes(352));
    assert.deepEqual(searchCwe('   '), []);
    assert.deepEqual(searchCwe('zzzqqq'), []);
    assert.equal(searchCwe('buffer', 5).length, 5);
  });

  it('suggests existing weaknesses for every vulnerability type of the form', () => {
    for (const [type] of VULNERABILITY_TYPES) {
      assert.equal(suggestedCwes(type).length, CWE_SUGGESTIONS[type].length, `${type}: every suggestion is in the list`);
    }
    assert.deepEqual(ids(suggestedCwes('xss')), [79]);
  });
});

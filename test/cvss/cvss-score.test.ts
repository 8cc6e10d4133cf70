import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCvssVector } from '../../src/domain/cvss.ts';
import { parseCvssVector } from '../../src/domain/cvss-metrics.ts';
import { cvssSeverity, requireCvssScore, scoreCvss, InvalidCvssVectorError } from '../../src/domain/cvss-score.ts';

const BASE31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const BASE40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

function fails(vector: string): string {
  const r = scoreCvss(vector);
  assert.equal(r.ok, false, `${vector} should be refused`);
  return r.ok ? '' : r.message;
}

describe('CVSS scoring', () => {
  it('scores a 3.1 base vector with temporal and environmental equal to the formula', () => {
    const s = requireCvssScore(BASE31);
    assert.deepEqual(s, {
      version: '3.1', vector: BASE31, base: 9.8, temporal: 9.8, environmental: 9.8,
      score: 9.8, scoreKind: 'base', severity: 'Critical', baseSeverity: 'Critical',
    });
  });

  it('uses the temporal score as the headline when temporal metrics are given', () => {
    const s = requireCvssScore(`${BASE31}/E:P/RL:O/RC:C`);
    assert.equal(s.version, '3.1');
    if (s.version !== '3.1') return;
    // Roundup(9.8 × 0.94 × 0.95 × 1) = Roundup(8.7514) = 8.8
    assert.equal(s.temporal, 8.8);
    assert.equal(s.scoreKind, 'temporal');
    assert.equal(s.score, 8.8);
    assert.equal(s.severity, 'High');
    assert.equal(s.baseSeverity, 'Critical');
  });

  it('falls back to base values for Not Defined modified metrics', () => {
    // Modifying only the attack vector to Local scores like a base vector with AV:L.
    const modified = requireCvssScore(`${BASE31}/MAV:L`);
    const local = requireCvssScore('CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    assert.ok(modified.version === '3.1' && local.version === '3.1');
    assert.equal(modified.environmental, local.environmental);
    assert.equal(modified.scoreKind, 'environmental');
    assert.equal(modified.score, 8.4);
    // An explicit X is the same as leaving the metric out.
    assert.deepEqual({ ...requireCvssScore(`${BASE31}/E:X/MAV:X`), vector: '' }, { ...requireCvssScore(BASE31), vector: '' });
  });

  it('keeps the 3.1 scope-changed quirk: the environmental score can exceed the base without environmental metrics', () => {
    const s = requireCvssScore('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H');
    assert.ok(s.version === '3.1');
    assert.deepEqual([s.base, s.temporal, s.environmental, s.score], [9.9, 9.9, 10, 9.9]);
  });

  it('scores 4.0 vectors and names the groups they use', () => {
    assert.deepEqual(requireCvssScore(BASE40), { version: '4.0', vector: BASE40, score: 9.3, nomenclature: 'CVSS-B', severity: 'Critical' });
    const nomenclature = (v: string) => {
      const s = requireCvssScore(v);
      return s.version === '4.0' ? s.nomenclature : undefined;
    };
    // From Red Hat's threat4 set.
    assert.equal(requireCvssScore('CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U').score, 4.1);
    assert.equal(nomenclature(`${BASE40}/E:U`), 'CVSS-BT');
    assert.equal(nomenclature(`${BASE40}/CR:L`), 'CVSS-BE');
    assert.equal(nomenclature(`${BASE40}/E:P/MAV:L`), 'CVSS-BTE');
    assert.equal(nomenclature(`${BASE40}/E:X/CR:X`), 'CVSS-B');
    // Supplemental metrics never change the score.
    assert.equal(requireCvssScore(`${BASE40}/S:P/AU:Y/U:Red`).score, 9.3);
    assert.equal(requireCvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N').severity, 'None');
  });

  it('accepts metrics in any order and gives them back in the specification order', () => {
    const shuffled = 'CVSS:3.1/S:U/AV:N/C:H/AC:L/I:H/PR:N/A:H/UI:N';
    const s = requireCvssScore(shuffled);
    assert.equal(s.vector, BASE31);
    assert.equal(s.score, 9.8);
    const p = parseCvssVector(`  ${BASE40}/E:A  `);
    assert.ok(p.ok && p.canonical === `${BASE40}/E:A`);
  });

  it('refuses invalid vectors with a reason instead of a blank score', () => {
    assert.match(fails('AV:N/AC:L'), /starts with CVSS:3.1\/ or CVSS:4.0\//);
    assert.match(fails('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /starts with/);
    assert.match(fails('CVSS:3.1/AV:N'), /Every base metric needs a value; missing: AC, PR, UI, S, C, I, A/);
    assert.match(fails(`${BASE31}/AV:N`), /AV appears twice/);
    assert.match(fails('CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /AV:Q is not a CVSS 3.1 metric value/);
    // Values the calculator would take but the specifications do not define:
    assert.match(fails('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /AV:X is not/);
    assert.match(fails('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:S/SI:N/SA:N'), /SC:S is not a CVSS 4.0/);
    assert.match(fails(`${BASE40}/MSC:S`), /MSC:S is not/);
    // Metrics of the other version, lower case, stray separators, empty values.
    assert.match(fails(`${BASE31}/AT:N`), /AT:N is not a CVSS 3.1/);
    assert.match(fails(`${BASE40}/RL:O`), /RL:O is not a CVSS 4.0/);
    assert.match(fails('CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /av:n is not/);
    assert.match(fails(`${BASE31}/`), /is not a METRIC:VALUE pair/);
    assert.match(fails(`${BASE31}/E:`), /is not a METRIC:VALUE pair/);
    assert.match(fails(`${BASE31}/E:P:Q`), /is not a METRIC:VALUE pair/);
    assert.match(fails(`${BASE40}/U:clear`), /U:clear is not/);
    assert.throws(() => requireCvssScore('CVSS:3.1/AV:N'), InvalidCvssVectorError);
  });

  it('rates scores on the shared qualitative scale', () => {
    assert.deepEqual([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(cvssSeverity), ['None', 'Low', 'Low', 'Medium', 'Medium', 'High', 'High', 'Critical', 'Critical']);
    assert.throws(() => cvssSeverity(10.1), RangeError);
    assert.throws(() => cvssSeverity(Number.NaN), RangeError);
  });

  it('keeps checkCvssVector as the report form knows it', () => {
    assert.deepEqual(checkCvssVector(BASE31), { ok: true, version: '3.1', score: 9.8 });
    assert.deepEqual(checkCvssVector(`${BASE31}/E:U`), { ok: true, version: '3.1', score: 9.8 });
    assert.deepEqual(checkCvssVector(BASE40), { ok: true, version: '4.0', score: 9.3 });
    const bad = checkCvssVector('CVSS:3.1/AV:N');
    assert.ok(!bad.ok && /Every base metric/.test(bad.message));
  });
});

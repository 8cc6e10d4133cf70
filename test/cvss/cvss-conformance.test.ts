import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scoreCvss, type CvssScore } from '../../src/domain/cvss-score.ts';

// The conformance data lives beside the repository (../shared), as published by FIRST and Red Hat.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance/cvss');
const lines = (file: string) => readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.trim() !== '');

function score(vector: string): CvssScore {
  const r = scoreCvss(vector);
  if (!r.ok) throw new Error(`${vector}: ${r.message}`);
  return r.value;
}

/** Checks every line, collecting mismatches so one failure shows them all; returns the count checked. */
function checkAll<T>(rows: T[], check: (row: T) => string | undefined): number {
  const mismatches = rows.map(check).filter((m): m is string => m !== undefined);
  assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} of ${rows.length} mismatched`);
  return rows.length;
}

describe('CVSS conformance', () => {
  it('FIRST macrovector scores: all 270 CVSS 4.0 vectors score and rate as listed', (t) => {
    // Python dict literals: {'vector': '…', 'score': 10, 'severity': 'Critical'}
    const rows = lines('first-macro-scores').map((line) => {
      const m = /^\{'vector': '([^']+)', 'score': ([\d.]+), 'severity': '(\w+)'\}$/.exec(line.trim());
      if (!m) throw new Error(`unparsed line: ${line}`);
      return { vector: m[1]!, score: Number(m[2]), severity: m[3]! };
    });
    assert.equal(rows.length, 270);
    // The vectors file lists the same vectors in the same order.
    assert.deepEqual(lines('first-macro-vectors').map((l) => l.trim()), rows.map((r) => r.vector));
    const n = checkAll(rows, (r) => {
      const s = score(r.vector);
      return s.score === r.score && s.severity === r.severity ? undefined : `${r.vector}: ${s.score} ${s.severity}, want ${r.score} ${r.severity}`;
    });
    t.diagnostic(`first-macro-scores: ${n}/${rows.length}`);
  });

  it('Red Hat simple31: base, temporal and environmental of every CVSS 3.1 vector', (t) => {
    const rows = lines('redhat-vectors_simple31').map((line) => {
      const m = /^(CVSS:3\.1\/\S+) - \(([\d.]+), ([\d.]+), ([\d.]+)\)$/.exec(line.trim());
      if (!m) throw new Error(`unparsed line: ${line}`);
      return { vector: m[1]!, want: [Number(m[2]), Number(m[3]), Number(m[4])] };
    });
    const n = checkAll(rows, (r) => {
      const s = score(r.vector);
      assert.equal(s.version, '3.1');
      const got = s.version === '3.1' ? [s.base, s.temporal, s.environmental] : [];
      return got.join() === r.want.join() ? undefined : `${r.vector}: (${got.join(', ')}), want (${r.want.join(', ')})`;
    });
    assert.equal(n, 2592);
    t.diagnostic(`redhat-vectors_simple31: ${n}/${rows.length}`);
  });

  for (const [file, count] of [
    ['redhat-vectors_simple4', 1058],
    ['redhat-vectors_security4', 54],
    ['redhat-vectors_supplemental4', 576],
    ['redhat-vectors_threat4', 6],
  ] as const) {
    it(`Red Hat ${file.slice('redhat-vectors_'.length)}: every CVSS 4.0 vector`, (t) => {
      // Either "VECTOR - (9.2,)" or "VECTOR - 7.3".
      const rows = lines(file).map((line) => {
        const m = /^(CVSS:4\.0\/\S+) - \(?([\d.]+),?\)?$/.exec(line.trim());
        if (!m) throw new Error(`unparsed line: ${line}`);
        return { vector: m[1]!, want: Number(m[2]) };
      });
      assert.equal(rows.length, count);
      const n = checkAll(rows, (r) => {
        const s = score(r.vector);
        return s.score === r.want ? undefined : `${r.vector}: ${s.score}, want ${r.want}`;
      });
      t.diagnostic(`${file}: ${n}/${rows.length}`);
    });
  }
});

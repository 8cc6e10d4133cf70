import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coalesce, diffPolicies } from '../../src/policy/policy-diff.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';

describe('policy diff', () => {
  it('merges a reworded sentence into one removal and one addition', () => {
    const d = diffPolicies(demoProgram.policy, { ...demoProgram.policy, rewards: 'We now thank reporters with a gift card.' });
    const rewards = d.find((s) => s.key === 'rewards')!;
    assert.equal(rewards.changed, true);
    assert.deepEqual(rewards.parts, [
      { kind: 'same', text: 'We ' },
      { kind: 'removed', text: 'do not have a monetary rewards program or a bug bounty' },
      { kind: 'added', text: 'now thank reporters with a gift card' },
      { kind: 'same', text: '.' },
    ]);
    assert.equal(d.filter((s) => s.changed).length, 1);
  });

  it('keeps long unchanged text between changes as it is', () => {
    const parts = coalesce([
      { kind: 'removed', text: 'old' },
      { kind: 'added', text: 'new' },
      { kind: 'same', text: ' a long unchanged stretch ' },
      { kind: 'added', text: 'end' },
    ]);
    assert.deepEqual(parts.map((p) => p.kind), ['removed', 'added', 'same', 'added']);
  });

  it('reconstructs both versions from the parts', () => {
    const a = 'We respond within 3 business days.\n\nWe credit you.';
    const b = 'We respond within 1 business day.\n\nWe always credit you, unless you decline.';
    const [intro] = diffPolicies({ ...demoProgram.policy, introduction: a }, { ...demoProgram.policy, introduction: b });
    const before = intro!.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('');
    const after = intro!.parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('');
    assert.equal(before, a);
    assert.equal(after, b);
  });
});

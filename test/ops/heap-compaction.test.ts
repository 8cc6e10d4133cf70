import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { compactHeap, IDLE_BUSY_SHARE, shouldCompact, startIdleCompaction, WORTH_COMPACTING_BYTES } from '../../src/ops/heap-compaction.ts';

const MB = 1024 * 1024;
const newSpaceBytes = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

/** Short-lived garbage in bulk, with some of it kept a while, the way a burst of requests allocates: grows the young generation. */
function allocateLikeABurst(): number {
  let kept: unknown[] = [];
  let sum = 0;
  for (let i = 0; i < 400_000; i++) {
    const o = { i, s: `row ${i}`, a: [i, i + 1, i + 2] };
    if (i % 7 === 0) kept.push(o);
    if (kept.length > 20_000) kept = [];
    sum += o.a.length;
  }
  return sum + kept.length;
}

describe('heap compaction', () => {
  it('compacts only after a whole idle interval that follows growth', () => {
    const grown = { heapBytes: 90 * MB, heapAfterCompaction: 60 * MB };
    assert.equal(shouldCompact({ busy: 0.001, ...grown }), true, 'idle after growth');
    assert.equal(shouldCompact({ busy: IDLE_BUSY_SHARE, ...grown }), false, 'still serving: a pause would hit a request');
    assert.equal(shouldCompact({ busy: 0.5, ...grown }), false);
    assert.equal(shouldCompact({ busy: 0, heapBytes: 60 * MB + WORTH_COMPACTING_BYTES - 1, heapAfterCompaction: 60 * MB }), false, 'nothing worth a pause');
    assert.equal(shouldCompact({ busy: 0, heapBytes: 60 * MB, heapAfterCompaction: 60 * MB }), false, 'idle again without work between: once is enough');
  });

  it('shrinks the young generation V8 grew and keeps what is alive', () => {
    const alive = { rows: Array.from({ length: 10_000 }, (_, i) => ({ i })) };
    for (let round = 0; round < 20 && newSpaceBytes() <= 2 * MB; round++) allocateLikeABurst();
    const before = newSpaceBytes();
    assert.ok(before > 2 * MB, `the burst grew the young generation (${(before / MB).toFixed(1)} MB)`);
    compactHeap();
    const after = newSpaceBytes();
    assert.ok(after < before, `young generation ${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after`);
    assert.ok(after <= 1 * MB, `shrunk to its smallest, not ${(after / MB).toFixed(1)} MB`);
    assert.equal(alive.rows.length, 10_000);
    assert.equal(alive.rows[9_999]!.i, 9_999);
  });

  it('runs by itself once the process falls idle after work, and not again while it stays idle', async () => {
    const compactions: number[] = [];
    const watch = startIdleCompaction({ intervalMs: 150, onCompacted: (freed) => compactions.push(freed) });
    try {
      // Work for a few intervals: the event loop is busy, nothing is compacted meanwhile.
      const until = Date.now() + 500;
      let kept: unknown[] = [];
      while (Date.now() < until) {
        kept.push(allocateLikeABurst(), new Array(50_000).fill(kept.length));
        if (kept.length > 40) kept = [];
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(compactions.length, 0, 'no pause while the process works');
      kept = [];
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(compactions.length, 1, 'compacted once idle, and only once');
      assert.ok(compactions[0]! >= WORTH_COMPACTING_BYTES, `gave back ${(compactions[0]! / MB).toFixed(1)} MB`);
    } finally {
      watch.stop();
    }
  });
});

/**
 * A process that keeps about 40 MB alive and churns through garbage, as a server working through a
 * backlog does: its largest heap, with and without moderateHeapGrowth (each in a fresh process, so
 * V8's flag and history are its own).
 */
function peakHeapMb(moderate: boolean): number {
  const module = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/ops/heap-compaction.ts');
  const script = `
    import v8 from 'node:v8';
    import { moderateHeapGrowth } from ${JSON.stringify(module)};
    if (${moderate}) moderateHeapGrowth();
    const live = [];
    for (let i = 0; i < 300_000; i++) live.push({ i, s: 'x'.repeat(50) + i });
    let peak = 0, junk = [];
    for (let round = 0; round < 4000; round++) {
      for (let i = 0; i < 2000; i++) junk.push({ a: i, b: 'y'.repeat(20) + i });
      if (junk.length > 20_000) junk = [];
      peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
    }
    console.log(Math.round(peak / 1048576), live.length);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-semi-space-size=8', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim().split(' ')[0]);
}

describe('heap growth under load', () => {
  it('keeps the heap of a process churning garbage far below what V8 grows to by itself', () => {
    const [unbounded, moderate] = [peakHeapMb(false), peakHeapMb(true)];
    assert.ok(moderate < unbounded * 0.7, `largest heap ${moderate} MB with moderateHeapGrowth, ${unbounded} MB without`);
  });
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { mountSmallDisk, nearlyFillWalSegment, startAtFreshWalSegment, type SmallDisk } from './small-disk.ts';
import { startLoad, submitOnce, summary, type Load } from './submission-load.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves with `value` after `ms`, without keeping the test process alive. */
const settleAfter = <T,>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms).unref());
/** Longest any request may wait for its answer on a full disk (the probe and call timeouts are below it). */
const ANSWER_WITHIN_MS = 20_000;

async function health(baseUrl: string): Promise<{ status: number; problem?: string; ms: number } | undefined> {
  const started = Date.now();
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    const body = (await res.json()) as { problem?: string };
    return { status: res.status, ...(body.problem ? { problem: body.problem } : {}), ms: Date.now() - started };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new Error(`/healthz gave no answer within ${ANSWER_WITHIN_MS} ms`);
    return undefined; // connection refused: the process has exited
  }
}

/** Every tracking page of an acknowledged submission opens: the report is stored. */
async function assertAllStored(baseUrl: string, load: Load): Promise<number> {
  const acknowledged = load.posts.filter((p) => p.status === 303).map((p) => p.location!);
  for (const location of acknowledged) {
    const res = await fetch(`${baseUrl}${location}`);
    assert.equal(res.status, 200, `the tracking page of an acknowledged report opens (${res.status})`);
  }
  return acknowledged.length;
}

function assertAnsweredInTime(load: Load): void {
  const timedOut = load.failures.filter((f) => /TimeoutError|aborted due to timeout/i.test(f));
  assert.deepEqual(timedOut, [], 'no request waited in vain');
  const slowest = Math.max(0, ...load.posts.map((p) => p.ms), ...load.refusedForms.map((p) => p.ms));
  assert.ok(slowest < ANSWER_WITHIN_MS, `slowest answer ${slowest} ms`);
  for (const p of load.posts) assert.ok(p.status === 303 || p.status === 503, `a submission was answered ${p.status}, not 303 or 503`);
  for (const p of load.posts.filter((a) => a.status === 503)) {
    assert.ok(p.retryAfter, 'a 503 carries Retry-After');
    assert.ok(p.keptInput, 'a refused submission comes back with what the reporter typed');
  }
}

/** These two are about PGlite, which is no longer the default embedded database (the embedded PostgreSQL's are below). */
const PGLITE = { EMBARGO_TRUST_PROXY: 'true', EMBARGO_EMBEDDED_ENGINE: 'pglite' };
const DEFAULT = { EMBARGO_TRUST_PROXY: 'true' };

describe('PGlite (EMBARGO_EMBEDDED_ENGINE=pglite) on a full disk (a real server process, data on a small tmpfs)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('refused writes (no space to extend a table): 503 with the typed form, /healthz 503, an error logged; it serves again once space is freed', async () => {
    // Room for the data directory (about 60 MB) and, once the filler goes, far more than the load can write.
    const disk = mountSmallDisk(192);
    cleanup.push(() => disk.remove());
    // A first start creates the database; its log then starts a fresh segment, so the tables run
    // out of room before the log needs a new segment (that case is the next test's).
    const first = await startEmbargo({ tempDir: disk.dir, env: PGLITE, startTimeoutMs: 60_000 });
    await first.stop();
    await startAtFreshWalSegment(path.join(first.dataDir, 'pglite'));
    const proc = await startEmbargo({ tempDir: disk.dir, env: PGLITE, startTimeoutMs: 60_000 });
    cleanup.push(async () => void (await proc.stop()));
    disk.fill(1024 * 1024);

    const load = startLoad(proc.baseUrl, 3, { timeoutMs: ANSWER_WITHIN_MS });
    try {
      // Until the disk refuses: a run of ten 503s in a row.
      const deadline = Date.now() + 120_000;
      while (!load.posts.slice(-10).every((p) => p.status === 503) || load.posts.length < 10) {
        assert.ok(Date.now() < deadline, `the disk never filled: ${JSON.stringify(summary(load.posts))}`);
        assert.equal(proc.child.exitCode, null, 'the server is still running');
        await sleep(100);
      }
      const probe = await health(proc.baseUrl);
      assert.equal(probe?.status, 503, '/healthz answers 503 on a full disk');
      assert.equal(probe?.problem, 'storage_full');
      const logged = proc.logLines().filter((l) => l.level === 50 && /^database storage is full/.test(String(l.msg)));
      assert.equal(logged.length, 1, 'the full disk is logged once at error level, not once per request');
      assert.equal(logged[0]!.code, '53100');

      disk.release();
      const freedAt = Date.now();
      let back: Awaited<ReturnType<typeof health>>;
      while ((back = await health(proc.baseUrl))?.status !== 200) {
        assert.ok(Date.now() - freedAt < 60_000, `/healthz not 200 within 60 s after space was freed (${JSON.stringify(back)})\n${proc.logLines().filter((l) => Number(l.level) >= 40).slice(-8).map((l) => JSON.stringify(l).slice(0, 400)).join('\n')}\nfree: ${disk.free()}`);
        await sleep(500);
      }
      console.log(`# /healthz 200 again ${Date.now() - freedAt} ms after space was freed`);
      await load.waitForStored(5, 30_000);
    } finally {
      await load.stop();
    }
    console.log(`# answers: ${JSON.stringify(summary(load.posts))}`);
    assertAnsweredInTime(load);
    assert.equal(proc.child.exitCode, null, 'the server never exited');
    const stored = await assertAllStored(proc.baseUrl, load);
    assert.ok(stored > 0);
    assert.ok(proc.logLines().some((l) => /^database available again/.test(String(l.msg))), 'the recovery is logged');
  });

  it('a write-ahead log that cannot grow leaves PGlite stuck: 503 meanwhile, an error logged, exit status 75; after space is freed a restart has every acknowledged report', async () => {
    const disk = mountSmallDisk(96);
    cleanup.push(() => disk.remove());
    // A first start creates the database; then its WAL is brought near the end of a segment.
    const first = await startEmbargo({ tempDir: disk.dir, env: PGLITE, startTimeoutMs: 60_000 });
    await first.stop();
    await nearlyFillWalSegment(path.join(first.dataDir, 'pglite'), 11.8 * 1024 * 1024);

    const proc = await startEmbargo({ tempDir: disk.dir, env: PGLITE, startTimeoutMs: 60_000 });
    cleanup.push(async () => void (await proc.stop()));
    // Room for the tables to grow, none for a new 16 MB WAL segment.
    disk.fill(6 * 1024 * 1024);

    const probes: NonNullable<Awaited<ReturnType<typeof health>>>[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing && proc.child.exitCode === null) {
        const p = await health(proc.baseUrl);
        if (p) probes.push(p);
        await sleep(200);
      }
    })();
    // Reports with a 16 KB log pasted in: the log reaches the end of its segment within seconds.
    const load = startLoad(proc.baseUrl, 3, { timeoutMs: ANSWER_WITHIN_MS, descriptionBytes: 16_000 });
    let code: number | string;
    try {
      code = await Promise.race([proc.exited, settleAfter(120_000, 'still running')]);
    } finally {
      probing = false;
      await load.stop();
      await prober;
    }
    console.log(`# answers: ${JSON.stringify(summary(load.posts))}; health: ${JSON.stringify(summary(probes.map((p) => ({ status: p.status, ms: p.ms }))))}; exit ${code}`);
    assert.equal(code, 75, `the server exits with 75 (EX_TEMPFAIL) for its supervisor to restart it\n${proc.stderr().slice(-2000)}`);
    const logged = proc.logLines().filter((l) => l.level === 50 && /embedded database failed/.test(String(l.msg)));
    assert.ok(logged.length >= 1, 'the failure is logged at error level');
    assert.ok(probes.some((p) => p.status === 503 && p.problem === 'failed'), '/healthz answered 503 before the exit');
    const refusedAfterFailure = load.posts.filter((p) => p.status === 503);
    assert.ok(refusedAfterFailure.length > 0, 'submissions were answered 503 once PGlite had failed');
    // Answers came in time; requests after the exit find no listener, which is not a hang.
    const timedOut = load.failures.filter((f) => /TimeoutError|aborted due to timeout/i.test(f));
    assert.deepEqual(timedOut, [], 'no request waited in vain');
    for (const p of load.posts) assert.ok(p.status === 303 || p.status === 503, `answered ${p.status}`);
    for (const p of refusedAfterFailure) assert.ok(p.keptInput && p.retryAfter, 'a refused submission comes back with what was typed, and Retry-After');

    // What a supervisor does, once the operator freed space: start again on the same data.
    disk.release();
    const again = await startEmbargo({ tempDir: disk.dir, env: PGLITE, startTimeoutMs: 60_000 });
    cleanup.push(async () => void (await again.stop()));
    const stored = await assertAllStored(again.baseUrl, load);
    assert.ok(stored > 0, 'reports were acknowledged before the failure');
    assert.equal((await submitOnce(again.baseUrl)).post?.status, 303, 'the restarted server takes reports');
  });
});

describe('the embedded PostgreSQL (the default) on a full disk (a real server process, data on a small tmpfs)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('refused writes: 503 with the typed form, /healthz 503 storage_full, an error logged once; it serves again once space is freed', async () => {
    const disk = mountSmallDisk(256);
    cleanup.push(() => disk.remove());
    const proc = await startEmbargo({ tempDir: disk.dir, env: DEFAULT, startTimeoutMs: 60_000 });
    cleanup.push(async () => void (await proc.stop()));
    disk.fill(1024 * 1024);

    const load = startLoad(proc.baseUrl, 3, { timeoutMs: ANSWER_WITHIN_MS });
    try {
      const deadline = Date.now() + 120_000;
      while (!load.posts.slice(-10).every((p) => p.status === 503) || load.posts.length < 10) {
        assert.ok(Date.now() < deadline, `the disk never filled: ${JSON.stringify(summary(load.posts))}`);
        assert.equal(proc.child.exitCode, null, 'the server is still running');
        await sleep(100);
      }
      const probe = await health(proc.baseUrl);
      assert.equal(probe?.status, 503, '/healthz answers 503 on a full disk');
      const logged = proc.logLines().filter((l) => l.level === 50 && /^database (storage is full|unavailable)/.test(String(l.msg)));
      assert.ok(logged.length >= 1 && logged.length <= 3, `the trouble is logged at error level, not once per request (${logged.length})`);

      disk.release();
      const freedAt = Date.now();
      let back: Awaited<ReturnType<typeof health>>;
      while ((back = await health(proc.baseUrl))?.status !== 200) {
        assert.ok(Date.now() - freedAt < 90_000, `/healthz not 200 within 90 s after space was freed (${JSON.stringify(back)})`);
        await sleep(500);
      }
      console.log(`# /healthz 200 again ${Date.now() - freedAt} ms after space was freed; first trouble logged: ${String(logged[0]!.msg)} ${String(logged[0]!.code ?? '')}`);
      await load.waitForStored(5, 30_000);
    } finally {
      await load.stop();
    }
    console.log(`# answers: ${JSON.stringify(summary(load.posts))}`);
    assertAnsweredInTime(load);
    assert.equal(proc.child.exitCode, null, 'the server never exited');
    assert.ok((await assertAllStored(proc.baseUrl, load)) > 0);
  });

  it('a write-ahead log that cannot grow: PostgreSQL stops writing (PANIC, crash recovery), 503 meanwhile; Embargo serves again once space is freed, or exits 75 if its server cannot be restarted; every acknowledged report is kept', async () => {
    const disk = mountSmallDisk(160);
    cleanup.push(() => disk.remove());
    const proc = await startEmbargo({ tempDir: disk.dir, env: DEFAULT, startTimeoutMs: 60_000 });
    cleanup.push(async () => void (await proc.stop()));
    // Room for the tables to grow, none for a new 16 MB WAL segment.
    disk.fill(6 * 1024 * 1024);
    const load = startLoad(proc.baseUrl, 3, { timeoutMs: ANSWER_WITHIN_MS, descriptionBytes: 16_000 });
    let outcome: 'recovered' | number | string;
    try {
      const deadline = Date.now() + 120_000;
      while (!load.posts.slice(-10).every((p) => p.status === 503) || load.posts.length < 10) {
        assert.ok(Date.now() < deadline, `the disk never filled: ${JSON.stringify(summary(load.posts))}`);
        if (proc.child.exitCode !== null) break;
        await sleep(100);
      }
      // The load stops while the disk is full: on a 160 MB tmpfs, 16 KB reports that keep coming
      // fill the freed space again within a minute, which is a full disk again, not a failed recovery.
      await load.stop();
      disk.release();
      const freedAt = Date.now();
      for (;;) {
        if (proc.child.exitCode !== null) {
          outcome = await proc.exited;
          break;
        }
        if ((await health(proc.baseUrl))?.status === 200) {
          outcome = 'recovered';
          break;
        }
        assert.ok(Date.now() - freedAt < 120_000, `neither serving nor exited 120 s after space was freed; last log lines:\n${proc.logLines().slice(-15).map((l) => JSON.stringify(l).slice(0, 400)).join('\n')}\n${proc.stderr().slice(-1500)}`);
        await sleep(500);
      }
    } finally {
      await load.stop();
    }
    console.log(`# outcome: ${outcome}; answers: ${JSON.stringify(summary(load.posts))}`);
    const timedOut = load.failures.filter((f) => /TimeoutError|aborted due to timeout/i.test(f));
    assert.deepEqual(timedOut, [], 'no request waited in vain');
    for (const p of load.posts) assert.ok(p.status === 303 || p.status === 503, `answered ${p.status}`);
    for (const p of load.posts.filter((a) => a.status === 503)) assert.ok(p.keptInput && p.retryAfter, 'a refused submission comes back with what was typed, and Retry-After');
    assert.ok(load.posts.some((p) => p.status === 503), 'submissions were refused while the disk was full');
    let serving = proc;
    if (outcome === 'recovered') {
      // Back means back for good: ten answers in a row (a recovery that is still settling answers 503 for a moment).
      let streak = 0;
      const settleBy = Date.now() + 60_000;
      while (streak < 10) {
        streak = (await health(proc.baseUrl))?.status === 200 ? streak + 1 : 0;
        assert.ok(Date.now() < settleBy, `/healthz did not stay 200 after the recovery:\n${proc.logLines().slice(-15).map((l) => JSON.stringify(l).slice(0, 400)).join('\n')}`);
        await sleep(300);
      }
    } else {
      assert.equal(outcome, 75, `the server exits with 75 (EX_TEMPFAIL) for its supervisor to restart it\n${proc.stderr().slice(-2000)}`);
      serving = await startEmbargo({ tempDir: disk.dir, env: DEFAULT, startTimeoutMs: 60_000 });
      cleanup.push(async () => void (await serving.stop()));
    }
    assert.ok((await assertAllStored(serving.baseUrl, load)) > 0, 'reports were acknowledged before the disk filled');
    assert.equal((await submitOnce(serving.baseUrl)).post?.status, 303, 'new reports are taken');
  });
});

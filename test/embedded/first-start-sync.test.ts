import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { requirePeer } from '../helpers/peers.ts';
import { readStrace, straceOptions, syncsOf, type TracedCall } from '../helpers/strace.ts';
import { submitOnce } from '../resilience/submission-load.ts';

/**
 * What a first start writes besides the database is on disk before anyone
 * relies on it (issue 16): the instance secret (without it every sealed
 * receipt is unreadable), the name of the cluster initdb made, and the name a
 * moved PGlite directory is kept under. `embargo serve` runs under strace,
 * which records the order of the file and directory syncs around each link
 * and rename.
 */

// strace, allowed to attach to running processes: test/preflight.ts checks it for the whole run.
const withStrace = await requirePeer('strace');

const TRACED = ['fsync', 'fdatasync', 'link', 'linkat', 'rename', 'renameat', 'renameat2'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The process strace started: Embargo itself. */
function tracee(proc: EmbargoProcess): number {
  const pid = proc.child.pid!;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  assert.equal(children.length, 1, `strace runs one process: ${children.join(' ')}`);
  return Number(children[0]);
}

/** SIGTERM to Embargo (not to strace, which would detach and leave it shutting down untraced); strace ends with it. */
async function stopTraced(proc: EmbargoProcess): Promise<void> {
  process.kill(tracee(proc), 'SIGTERM');
  const ended = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
  if (ended === 'timeout') await proc.stop();
}

function describeCalls(calls: readonly TracedCall[]): string {
  return calls.map((c) => `${c.name}(${c.args})`).join('\n');
}

/** The call that linked or renamed something to `to`. */
function movedTo(calls: readonly TracedCall[], names: readonly string[], to: string | RegExp): TracedCall | undefined {
  return calls.find((c) => names.includes(c.name) && c.result === 0 && c.paths.length === 2 && (typeof to === 'string' ? c.paths[1] === to : to.test(c.paths[1]!)));
}

describe('a first start syncs what it creates outside the database before relying on it', { skip: !withStrace && 'EMBARGO_TEST_SKIP=strace' }, () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('the instance secret: its file is synced before it is linked into place, then its directory; the new cluster is synced into its name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-e2e-'));
    const log = path.join(dir, 'strace.log');
    const proc = await startEmbargo({ startTimeoutMs: 90_000, tempDir: dir, wrap: ['strace', ...straceOptions(log, TRACED)] });
    cleanup.push(async () => {
      await stopTraced(proc);
      proc.removeFiles();
    });
    const tempDir = realpathSync(proc.tempDir);
    const calls = readStrace(log);
    const secret = path.join(tempDir, 'embargo.secret');
    const draft = new RegExp(`^${escape(secret)}\\.\\d+\\.tmp$`);

    const link = movedTo(calls, ['link', 'linkat'], secret);
    assert.ok(link, `the secret is linked into place:\n${describeCalls(calls.filter((c) => c.paths.length))}`);
    assert.match(link.paths[0]!, draft);
    const fileSyncs = syncsOf(calls, draft).filter((c) => c.index < link.index);
    assert.ok(fileSyncs.length >= 1, `the secret's draft is synced before the link:\n${describeCalls(syncsOf(calls, /embargo\.secret/))}`);
    const dirSyncs = syncsOf(calls, tempDir).filter((c) => c.index > link.index);
    assert.ok(dirSyncs.length >= 1, `the secret's directory ${tempDir} is synced after the link:\n${describeCalls(syncsOf(calls, /.*/).filter((c) => !c.fdPath!.includes('/postgres/')))}`);

    const dataDir = path.join(tempDir, 'data');
    const cluster = movedTo(calls, ['rename', 'renameat', 'renameat2'], path.join(dataDir, 'postgres'));
    assert.ok(cluster, 'initdb’s directory is renamed into place');
    assert.equal(cluster.paths[0], path.join(dataDir, 'postgres.initdb'));
    assert.ok(syncsOf(calls, dataDir).some((c) => c.index > cluster.index), `the data directory is synced after the rename:\n${describeCalls(syncsOf(calls, dataDir))}`);
  });

  it('a PGlite directory moved into the embedded PostgreSQL: its new name is synced (a lost rename would move it again over newer reports)', async () => {
    // PGlite's first start (initdb in WebAssembly) took 80 s at a load average of 16 on 2 cores.
    const old = await startEmbargo({ startTimeoutMs: 180_000, env: { EMBARGO_EMBEDDED_ENGINE: 'pglite' } });
    cleanup.push(() => old.removeFiles());
    assert.equal((await submitOnce(old.baseUrl)).post?.status, 303);
    assert.equal(await old.stop(), 0);

    const log = path.join(old.tempDir, 'strace.log');
    const moved = await startEmbargo({ startTimeoutMs: 90_000, tempDir: old.tempDir, wrap: ['strace', ...straceOptions(log, TRACED)] });
    cleanup.push(() => stopTraced(moved));
    await waitForLog(moved, /^moved the embedded database from PGlite to PostgreSQL/);
    const dataDir = path.join(realpathSync(moved.tempDir), 'data');
    const calls = readStrace(log);
    const rename = movedTo(calls, ['rename', 'renameat', 'renameat2'], new RegExp(`^${escape(path.join(dataDir, 'pglite.moved-'))}`));
    assert.ok(rename, 'the PGlite directory is renamed aside');
    assert.equal(rename.paths[0], path.join(dataDir, 'pglite'));
    assert.ok(syncsOf(calls, dataDir).some((c) => c.index > rename.index), `the data directory is synced after the rename:\n${describeCalls(syncsOf(calls, dataDir))}`);
  });
});

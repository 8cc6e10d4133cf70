import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { POSTGRES_SYSTEM_USER, runningPostmaster } from '../../src/db/managed-postgres.ts';
import { runCli, startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { requirePeer } from '../helpers/peers.ts';
import { readStrace, SYNC_CALLS, walSyncs } from '../helpers/strace.ts';
import { submitOnce } from '../resilience/submission-load.ts';

/**
 * The default embedded database: a PostgreSQL server `embargo serve` runs as
 * its child process on <data>/postgres (issue 16). Real processes throughout:
 * the server as operators start it, strace on the database server, kill -9.
 */

// strace, allowed to attach to running processes: test/preflight.ts checks it for the whole run.
const withStrace = await requirePeer('strace');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TRUST_PROXY = { EMBARGO_TRUST_PROXY: 'true' };

function clusterDir(proc: EmbargoProcess): string {
  return path.join(proc.dataDir, 'postgres');
}

/** Every process whose working directory is the cluster: the postmaster and its children. */
function clusterProcesses(dir: string): { pid: number; ppid: number; uid: number }[] {
  const found: { pid: number; ppid: number; uid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      found.push({ pid: Number(entry), ppid: Number(/^PPid:\s+(\d+)/m.exec(status)![1]), uid: Number(/^Uid:\s+(\d+)/m.exec(status)![1]) });
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return found;
}

/** Postmasters on `dir`: cluster processes whose parent is not one. */
function postmasters(dir: string): number[] {
  const procs = clusterProcesses(dir);
  const pids = new Set(procs.map((p) => p.pid));
  return procs.filter((p) => !pids.has(p.ppid)).map((p) => p.pid);
}

async function healthz(baseUrl: string): Promise<{ status: number; problem?: string } | undefined> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { problem?: string };
    return { status: res.status, ...(body.problem ? { problem: body.problem } : {}) };
  } catch {
    return undefined;
  }
}

async function tracked(baseUrl: string, location: string): Promise<number> {
  return (await fetch(`${baseUrl}${location}`)).status;
}

describe('the embedded database is a PostgreSQL server Embargo runs itself', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  const start = async (options: Parameters<typeof startEmbargo>[0] = {}) => {
    const proc = await startEmbargo({ startTimeoutMs: 60_000, ...options, env: { ...TRUST_PROXY, ...options.env } });
    cleanup.push(async () => {
      await proc.stop();
      proc.removeFiles();
    });
    return proc;
  };

  it('every committed submission is synchronised to disk by the database server (strace -y: an fsync/fdatasync of a pg_wal/ file during each POST)', { skip: !withStrace && 'EMBARGO_TEST_SKIP=strace' }, async () => {
    const proc = await start();
    const postmaster = runningPostmaster(clusterDir(proc));
    assert.ok(postmaster, 'a postmaster runs on <data>/postgres');
    const children = clusterProcesses(clusterDir(proc)).map((p) => p.pid);
    const log = path.join(proc.tempDir, 'strace.log');
    // Attach to the server and its processes; -f follows the backends it forks for new connections,
    // -y names the file behind each descriptor, -ttt stamps each call with the time it started.
    const strace = spawn('strace', ['-f', '-qq', '-y', '-ttt', '-o', log, '-e', `trace=${SYNC_CALLS.join(',')}`, ...children.flatMap((p) => ['-p', String(p)])], { stdio: ['ignore', 'ignore', 'pipe'] });
    let straceErr = '';
    strace.stderr.on('data', (d) => (straceErr += d));
    strace.on('error', (err) => (straceErr += `${err.message} (install strace: .ci/run does)`));
    const straceExit = new Promise((r) => strace.once('exit', r));
    await sleep(1000);
    assert.equal(strace.exitCode, null, `strace is attached: ${straceErr}`);
    // Each POST's time span, from this process's clock (the same clock strace stamps calls with).
    const posts: { from: number; to: number; status: number | undefined }[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await submitOnce(proc.baseUrl);
      const to = Date.now();
      posts.push({ from: to - (answer.post?.ms ?? 0), to, status: answer.post?.status });
    }
    await sleep(500);
    strace.kill('SIGINT');
    await straceExit;
    const calls = readStrace(log);
    const wal = walSyncs(calls);
    const committed = posts.filter((p) => p.status === 303);
    // A millisecond of slack each side: Date.now() is whole milliseconds, strace's stamps are microseconds.
    const unsynced = committed.filter((p) => !wal.some((c) => c.at! >= p.from - 1 && c.at! <= p.to + 1));
    const firstCall = calls.find((c) => c.name === 'fsync' || c.name === 'fdatasync');
    console.log(`# ${wal.length} syncs of pg_wal/ files (${calls.length} sync calls in all) by the database server for ${committed.length} committed submissions`);
    assert.equal(committed.length, 12, 'every submission was stored');
    assert.ok(!proc.logLines().some((l) => String(l.msg).startsWith('EMBARGO_EMBEDDED_ENGINE=pglite')), 'no PGlite warning on the default engine');
    assert.ok(firstCall?.fdPath, `strace -y names the synced files: ${firstCall?.args}`);
    assert.deepEqual(unsynced, [], `a sync of the WAL (pg_wal/) during every POST that answered 303; WAL syncs: ${wal.map((c) => `${c.at} ${c.fdPath}`).slice(0, 20).join(', ')}`);
    assert.ok(wal.length >= committed.length, `at least one sync of the WAL per committed submission: ${wal.length} for ${committed.length}`);
    // The server's settings as Embargo sees them: durable, socket only.
    const client = new pg.Client({ host: clusterDir(proc), user: 'embargo', database: 'embargo' });
    await client.connect();
    try {
      const settings = Object.fromEntries((await client.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses')`)).rows.map((r) => [r.name, r.setting]));
      assert.deepEqual(settings, { fsync: 'on', full_page_writes: 'on', listen_addresses: '', synchronous_commit: 'on' });
      assert.equal((await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`)).rowCount, 1, 'the same extensions as on PostgreSQL');
    } finally {
      await client.end();
    }
  });

  it('runs the server as an unprivileged user when Embargo is root; the cluster directory is private to it', async () => {
    const proc = await start();
    const dir = clusterDir(proc);
    const [postmaster] = postmasters(dir);
    assert.ok(postmaster, 'a postmaster runs');
    const uid = clusterProcesses(dir).find((p) => p.pid === postmaster)!.uid;
    const stat = statSync(dir);
    assert.equal(stat.mode & 0o777, 0o700, 'the cluster directory is 0700');
    assert.equal(stat.uid, uid, 'the server owns its directory');
    if (process.getuid!() === 0) {
      const { stdout } = await import('node:child_process').then((cp) => ({ stdout: cp.execFileSync('id', ['-u', POSTGRES_SYSTEM_USER], { encoding: 'utf8' }) }));
      assert.equal(uid, Number(stdout.trim()), `as root, the server runs as ${POSTGRES_SYSTEM_USER}`);
      assert.notEqual(uid, 0);
    } else {
      assert.equal(uid, process.getuid!(), 'as an ordinary user, the server runs as that user');
    }
    // Embargo's environment (its secret, mail URLs) is not handed to the database server.
    const environ = readFileSync(`/proc/${postmaster}/environ`, 'utf8').split('\0');
    assert.deepEqual(environ.filter((e) => e.startsWith('EMBARGO_')), [], 'no EMBARGO_* variable in the server environment');
    // The data directory (0700, owned by root here) is out of that user's reach; the server still works.
    assert.equal(statSync(proc.tempDir).mode & 0o777, 0o700);
    assert.equal((await submitOnce(proc.baseUrl)).post?.status, 303);
  });

  it('kill -9 of Embargo: the next start stops the server it left running (never two on one cluster) and has every report', async () => {
    const first = await start();
    const stored = (await submitOnce(first.baseUrl)).post;
    assert.equal(stored?.status, 303);
    const orphan = runningPostmaster(clusterDir(first));
    assert.ok(orphan);
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(runningPostmaster(clusterDir(first)), orphan, 'the database server outlives a killed Embargo');

    const second = await start({ tempDir: first.tempDir });
    await waitForLog(second, /did not shut down cleanly is still running: stopping it/);
    const now = postmasters(clusterDir(second));
    assert.equal(now.length, 1, `one postmaster on the cluster: ${JSON.stringify(now)}`);
    assert.notEqual(now[0], orphan, 'the orphan was stopped, a new server started');
    assert.equal(await tracked(second.baseUrl, stored!.location!), 200, 'the acknowledged report is there');
    assert.equal((await submitOnce(second.baseUrl)).post?.status, 303);
  });

  it('kill -9 of the database server: 503 meanwhile, then Embargo restarts it (crash recovery) and serves with every report', async () => {
    const proc = await start();
    const stored = (await submitOnce(proc.baseUrl)).post;
    assert.equal(stored?.status, 303);
    const victim = runningPostmaster(clusterDir(proc))!;
    process.kill(victim, 'SIGKILL');
    const seen: string[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const h = await healthz(proc.baseUrl);
      seen.push(h ? `${h.status}${h.problem ? `:${h.problem}` : ''}` : 'none');
      if (h?.status === 200 && seen.some((s) => s.startsWith('503'))) break;
      assert.ok(Date.now() < deadline, `not back within 60 s: ${seen.slice(-5).join(', ')}`);
      await sleep(50);
    }
    assert.ok(seen.includes('503:unavailable'), `/healthz said 503 unavailable while the server was down: ${[...new Set(seen)].join(', ')}`);
    assert.equal(proc.child.exitCode, null, 'Embargo kept running');
    await waitForLog(proc, /the embedded PostgreSQL is running again/);
    const now = postmasters(clusterDir(proc));
    assert.equal(now.length, 1);
    assert.notEqual(now[0], victim);
    assert.equal(await tracked(proc.baseUrl, stored!.location!), 200, 'the acknowledged report survived');
    assert.equal((await submitOnce(proc.baseUrl)).post?.status, 303, 'and new reports are taken');
  });

  it('a second Embargo on the same data directory is refused; operator commands work while the server runs', async () => {
    const proc = await start();
    const again = await runCli(['serve'], { ...proc.env, PORT: '0' });
    assert.notEqual(again.code, 0);
    assert.match(again.stdout + again.stderr, /in use by process \d+/);
    assert.equal(postmasters(clusterDir(proc)).length, 1);
    const added = await runCli(['user', 'add', '--email', 'ops@example.com', '--role', 'admin', '--name', 'Ops'], proc.env, 'a long enough passphrase 1\n');
    assert.equal(added.code, 0, added.stderr);
    const listed = await runCli(['user', 'list'], proc.env);
    assert.match(listed.stdout, /ops@example\.com/);
  });

  it('SIGTERM stops the database server cleanly with Embargo', async () => {
    const proc = await start();
    const dir = clusterDir(proc);
    assert.equal(postmasters(dir).length, 1);
    assert.equal(await proc.stop(), 0);
    assert.deepEqual(clusterProcesses(dir), [], 'no database process left');
    assert.equal(existsSync(path.join(dir, 'postmaster.pid')), false, 'a clean shutdown (no postmaster.pid left)');
  });

  it('a data directory written by PGlite (an earlier version) is moved into the embedded PostgreSQL at start, the old files kept aside', async () => {
    // PGlite's first start (initdb in WebAssembly) took 80 s at a load average of 16 on 2 cores.
    const old = await start({ startTimeoutMs: 180_000, env: { EMBARGO_EMBEDDED_ENGINE: 'pglite' } });
    // PGlite never fsyncs: choosing it is said at every start, as a warning.
    const warning = old.logLines().find((l) => typeof l.msg === 'string' && l.msg.startsWith('EMBARGO_EMBEDDED_ENGINE=pglite'));
    assert.ok(warning, `a warning about PGlite at start:\n${old.stdout()}`);
    assert.equal(warning.level, 40, 'logged as a warning');
    assert.match(String(warning.msg), /never syncs .* to disk: a power cut or a machine crash can lose reports already acknowledged/);
    const stored = (await submitOnce(old.baseUrl)).post;
    assert.equal(stored?.status, 303);
    assert.equal(await old.stop(), 0);
    assert.ok(existsSync(path.join(old.dataDir, 'pglite', 'PG_VERSION')));
    assert.equal(existsSync(path.join(old.dataDir, 'postgres')), false);

    const moved = await start({ tempDir: old.tempDir });
    await waitForLog(moved, /^moved the embedded database from PGlite to PostgreSQL/);
    assert.equal(await tracked(moved.baseUrl, stored!.location!), 200, 'the report written on PGlite opens');
    const entries = readdirSync(moved.dataDir);
    assert.ok(!entries.includes('pglite'), 'the PGlite directory is no longer where it was');
    assert.ok(entries.some((e) => e.startsWith('pglite.moved-')), `kept aside: ${entries.join(', ')}`);
    assert.ok(existsSync(path.join(moved.dataDir, 'postgres', 'PG_VERSION')));
    assert.equal((await submitOnce(moved.baseUrl)).post?.status, 303);
    // A later start does not move anything again.
    assert.equal(await moved.stop(), 0);
    const later = await start({ tempDir: old.tempDir });
    assert.equal(await tracked(later.baseUrl, stored!.location!), 200);
    assert.ok(!later.logLines().some((l) => /^moved the embedded database/.test(String(l.msg))));
  });
});

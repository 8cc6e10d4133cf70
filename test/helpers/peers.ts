import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * The real programs and servers the tests talk to. A missing peer fails the
 * run: a test suite that quietly drops half of itself is worse than a red one.
 * Only `EMBARGO_TEST_SKIP` (a comma-separated list of these names) lets a
 * developer run without one, and then every skip is printed.
 */
export type Peer = 'postgres' | 'chromium' | 'gpg' | 'swaks' | 'dovecot' | 'nginx' | 'strace';

export const PEERS: readonly Peer[] = ['postgres', 'chromium', 'gpg', 'swaks', 'dovecot', 'nginx', 'strace'];

/** Where PostgreSQL tests create their throwaway databases (the role needs CREATEDB). */
export const TEST_PG_URL = process.env.EMBARGO_TEST_DATABASE_URL ?? 'postgres://embargo_test@127.0.0.1:5432/embargo_test';

const INSTALL: Record<Peer, string> = {
  postgres: `start PostgreSQL and create the role (see .ci/run), or set EMBARGO_TEST_DATABASE_URL`,
  chromium: 'apt-get install chromium (Debian; the tests use /usr/bin/chromium)',
  gpg: 'apt-get install gnupg',
  swaks: 'apt-get install swaks',
  dovecot: 'apt-get install dovecot-imapd',
  nginx: 'apt-get install nginx-light',
  strace: 'apt-get install strace; it must be allowed to attach to running processes (ptrace): run as root, set kernel.yama.ptrace_scope=0, or start the container with --cap-add=SYS_PTRACE',
};

/** Names the developer allowed to be missing. Unknown names are an error, so a typo cannot skip silently. */
export function allowedToSkip(env: NodeJS.ProcessEnv = process.env): Set<Peer> {
  const names = (env.EMBARGO_TEST_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!PEERS.includes(n as Peer)) throw new Error(`EMBARGO_TEST_SKIP names "${n}", which is not one of: ${PEERS.join(', ')}`);
  return new Set(names as Peer[]);
}

function runs(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${command} is not on PATH` : r.error.message;
  if (r.status !== 0) return `${command} ${args.join(' ')} exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`;
  return undefined;
}

async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `${TEST_PG_URL.replace(/:[^:@/]*@/, ':***@')} is not reachable (${e.code ?? ''} ${e.message})`.replace(/\s+/g, ' ');
  }
}

/**
 * strace, allowed to attach to a process it did not start: the durability
 * test attaches to the embedded PostgreSQL's running processes, which Yama
 * (ptrace_scope ≥ 1) or a container without CAP_SYS_PTRACE forbids.
 */
async function straceProblem(): Promise<string | undefined> {
  const missing = runs('strace', ['-V']);
  if (missing) return missing;
  const target = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1500)'], { stdio: 'ignore' });
  try {
    await new Promise((resolve, reject) => target.once('spawn', resolve).once('error', reject));
    const r = spawnSync('strace', ['-qq', '-e', 'trace=none', '-p', String(target.pid)], { encoding: 'utf8', timeout: 15_000 });
    if (r.status === 0) return undefined;
    let scope = '';
    try {
      scope = `; kernel.yama.ptrace_scope is ${readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim()}`;
    } catch {
      /* no Yama */
    }
    return `strace cannot attach to a running process (${(r.stderr || `exit ${r.status}`).trim().split('\n')[0]}): ptrace is not permitted here${scope}`;
  } finally {
    target.kill();
  }
}

/** Why a peer cannot be used here, or undefined when it can. */
export async function peerProblem(peer: Peer): Promise<string | undefined> {
  switch (peer) {
    case 'postgres':
      return postgresProblem();
    case 'chromium':
      return existsSync('/usr/bin/chromium') ? runs('/usr/bin/chromium', ['--version']) : '/usr/bin/chromium does not exist';
    case 'gpg':
      return runs('gpg', ['--version']);
    case 'swaks':
      return runs('swaks', ['--version']);
    case 'dovecot':
      return runs('dovecot', ['--version']);
    case 'nginx':
      return runs('nginx', ['-v']);
    case 'strace':
      return straceProblem();
  }
}

const checked = new Map<Peer, Promise<boolean>>();

/**
 * Whether tests needing `peer` should run. Throws (failing the test file) when
 * the peer is missing and not named in EMBARGO_TEST_SKIP; returns false, after
 * printing a notice, when it was allowed to be missing.
 */
export function requirePeer(peer: Peer): Promise<boolean> {
  let result = checked.get(peer);
  if (!result) {
    result = (async () => {
      const problem = await peerProblem(peer);
      if (!problem) return true;
      if (!allowedToSkip().has(peer)) {
        throw new Error(`Test peer "${peer}" is missing: ${problem}. Install it (${INSTALL[peer]}) or set EMBARGO_TEST_SKIP=${peer} to run without it.`);
      }
      console.warn(`NOTICE: EMBARGO_TEST_SKIP allows "${peer}" to be missing (${problem}); its tests are skipped.`);
      return false;
    })();
    checked.set(peer, result);
  }
  return result;
}

export { INSTALL as PEER_INSTALL_HINTS };

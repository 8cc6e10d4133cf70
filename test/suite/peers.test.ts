import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { allowedToSkip } from '../helpers/peers.ts';
import { cleanEnv, repoRoot } from '../helpers/embargo-process.ts';

/** Runs the preflight (under `wrap` when given) with a PATH that holds only Node, so gpg, swaks, Dovecot and strace are really missing. */
function preflight(extra: Record<string, string>, wrap: string[] = []): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...cleanEnv(), PATH: path.dirname(process.execPath), EMBARGO_TEST_DATABASE_URL: process.env.EMBARGO_TEST_DATABASE_URL ?? '', ...extra };
    if (!env.EMBARGO_TEST_DATABASE_URL) delete (env as Record<string, string>).EMBARGO_TEST_DATABASE_URL;
    const [command, ...args] = [...wrap, process.execPath, '--import', 'tsx', 'test/preflight.ts'];
    const child = spawn(command!, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('test peers never go missing silently', () => {
  it('the preflight fails the run and names each missing peer with the way to install it', async () => {
    const r = await preflight({});
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /peer gpg: MISSING \(gpg is not on PATH\)\. Install it: apt-get install gnupg/);
    assert.match(r.out, /peer swaks: MISSING/);
    assert.match(r.out, /peer dovecot: MISSING/);
    assert.match(r.out, /peer nginx: MISSING \(nginx is not on PATH\)\. Install it: apt-get install nginx-light/);
    assert.match(r.out, /peer strace: MISSING \(strace is not on PATH\)\. Install it: apt-get install strace/);
    assert.match(r.out, /peer postgres: ok/);
  });

  it('passes only when EMBARGO_TEST_SKIP names every missing peer, and says what will be skipped', async () => {
    const partly = await preflight({ EMBARGO_TEST_SKIP: 'gpg,swaks' });
    assert.equal(partly.code, 1, partly.out);
    assert.match(partly.out, /peer dovecot: MISSING/);
    const all = await preflight({ EMBARGO_TEST_SKIP: 'gpg, swaks,dovecot,nginx,strace' });
    assert.equal(all.code, 0, all.out);
    assert.match(all.out, /peer dovecot: MISSING, allowed by EMBARGO_TEST_SKIP/);
  });

  it('strace that may not attach to a running process (ptrace refused) fails the preflight, saying why', async () => {
    // The real strace, whose ptrace calls the kernel answers EPERM (injected by an outer strace), as under
    // Yama's ptrace_scope=1 or in a container without CAP_SYS_PTRACE.
    const r = await preflight({ PATH: process.env.PATH ?? '' }, ['strace', '-f', '-qq', '-o', '/dev/null', '--seccomp-bpf', '-e', 'trace=ptrace', '-e', 'inject=ptrace:error=EPERM']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /peer strace: MISSING \(strace cannot attach to a running process \(.*Operation not permitted.*\): ptrace is not permitted here.*\)\. Install it: .*--cap-add=SYS_PTRACE/);
    assert.match(r.out, /peer gpg: ok/);
  });

  it('refuses an unknown name in EMBARGO_TEST_SKIP, so a typo cannot skip anything', () => {
    assert.throws(() => allowedToSkip({ EMBARGO_TEST_SKIP: 'postgress' }), /"postgress", which is not one of: postgres, chromium/);
    assert.deepEqual([...allowedToSkip({ EMBARGO_TEST_SKIP: ' postgres ,' })], ['postgres']);
  });
});

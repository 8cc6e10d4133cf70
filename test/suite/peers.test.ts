import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { allowedToSkip } from '../helpers/peers.ts';
import { cleanEnv, repoRoot } from '../helpers/embargo-process.ts';

/** Runs the preflight with a PATH that holds only Node, so gpg, swaks and Dovecot are really missing. */
function preflight(extra: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...cleanEnv(), PATH: path.dirname(process.execPath), EMBARGO_TEST_DATABASE_URL: process.env.EMBARGO_TEST_DATABASE_URL ?? '', ...extra };
    if (!env.EMBARGO_TEST_DATABASE_URL) delete (env as Record<string, string>).EMBARGO_TEST_DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/preflight.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    assert.match(r.out, /peer postgres: ok/);
  });

  it('passes only when EMBARGO_TEST_SKIP names every missing peer, and says what will be skipped', async () => {
    const partly = await preflight({ EMBARGO_TEST_SKIP: 'gpg,swaks' });
    assert.equal(partly.code, 1, partly.out);
    assert.match(partly.out, /peer dovecot: MISSING/);
    const all = await preflight({ EMBARGO_TEST_SKIP: 'gpg, swaks,dovecot,nginx' });
    assert.equal(all.code, 0, all.out);
    assert.match(all.out, /peer dovecot: MISSING, allowed by EMBARGO_TEST_SKIP/);
  });

  it('refuses an unknown name in EMBARGO_TEST_SKIP, so a typo cannot skip anything', () => {
    assert.throws(() => allowedToSkip({ EMBARGO_TEST_SKIP: 'postgress' }), /"postgress", which is not one of: postgres, chromium/);
    assert.deepEqual([...allowedToSkip({ EMBARGO_TEST_SKIP: ' postgres ,' })], ['postgres']);
  });
});

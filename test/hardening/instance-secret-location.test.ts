import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startEmbargo, waitForLog, type EmbargoProcess } from '../helpers/embargo-process.ts';

/**
 * The instance secret protects what the data directory holds; a backup of
 * that directory (which the docs tell operators to make) must not carry it.
 * Real `embargo serve` processes on the embedded database, as an operator
 * runs them.
 */
/** Generous: on a busy machine a first start (key generation, migrations) can take half a minute. */
const START_MS = 120_000;
const mode = (file: string) => statSync(file).mode & 0o777;
const outside = (p: EmbargoProcess) => path.join(p.tempDir, 'embargo.secret');
const inside = (p: EmbargoProcess) => path.join(p.dataDir, 'secret.key');

async function securityTxt(p: EmbargoProcess): Promise<number> {
  // Signed with the program key, which only the right instance secret opens.
  return (await fetch(`${p.baseUrl}/.well-known/security.txt`)).status;
}

describe('where the instance secret lives', () => {
  it('is generated next to the data directory, not inside it, and the data directory is private (0700)', async () => {
    const p = await startEmbargo({ startTimeoutMs: START_MS });
    try {
      assert.ok(existsSync(outside(p)), 'embargo.secret next to data/');
      assert.equal(mode(outside(p)), 0o600);
      assert.ok(!existsSync(inside(p)), 'no secret inside the data directory');
      assert.equal(mode(p.dataDir), 0o700);
      await waitForLog(p, /instance secret: .*embargo\.secret/);
      assert.equal(await securityTxt(p), 200);
    } finally {
      await p.stop();
      p.removeFiles();
    }
  });

  it('moves the secret of an existing instance out of its data directory, tightens the directory, and reads the old data', async () => {
    const first = await startEmbargo({ startTimeoutMs: START_MS });
    await first.stop();
    // The layout earlier versions made: data/secret.key, data/ left at 0755.
    const secretFile = existsSync(outside(first)) ? outside(first) : inside(first);
    const secret = readFileSync(secretFile, 'utf8');
    if (secretFile !== inside(first)) renameSync(secretFile, inside(first));
    chmodSync(first.dataDir, 0o755);

    const again = await startEmbargo({ tempDir: first.tempDir, startTimeoutMs: START_MS });
    try {
      assert.equal(readFileSync(outside(again), 'utf8'), secret, 'the same secret, moved');
      assert.equal(mode(outside(again)), 0o600);
      assert.ok(!existsSync(inside(again)), 'no copy left inside the data directory');
      assert.equal(mode(again.dataDir), 0o700);
      await waitForLog(again, /moved the instance secret out of the data directory/);
      await waitForLog(again, /data directory .* was readable by others/);
      assert.equal(await securityTxt(again), 200, 'the program key still opens');
    } finally {
      await again.stop();
      again.removeFiles();
    }
  });

  it('warns loudly when EMBARGO_SECRET_FILE points into the data directory', async () => {
    const first = await startEmbargo({ startTimeoutMs: START_MS });
    await first.stop();
    const chosen = path.join(first.dataDir, 'my.secret');
    copyFileSync(existsSync(outside(first)) ? outside(first) : inside(first), chosen);
    const p = await startEmbargo({ tempDir: first.tempDir, env: { EMBARGO_SECRET_FILE: chosen }, startTimeoutMs: START_MS });
    try {
      const [line] = p.logLines().filter((l) => typeof l.msg === 'string' && /inside the data directory/.test(l.msg));
      assert.ok(line, p.stdout());
      assert.equal(line.level, 40, 'a warning');
      assert.match(String(line.msg), /every backup of it carries the key/);
    } finally {
      await p.stop();
      p.removeFiles();
    }
  });

  it('refuses to start when a different secret sits inside the data directory, naming both files', async () => {
    const first = await startEmbargo({ startTimeoutMs: START_MS });
    await first.stop();
    const secretFile = existsSync(outside(first)) ? outside(first) : inside(first);
    const other = secretFile === inside(first) ? outside(first) : inside(first);
    writeFileSync(other, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await assert.rejects(startEmbargo({ tempDir: first.tempDir, startTimeoutMs: START_MS }), (err: Error) => {
      assert.match(err.message, /exited with/);
      assert.match(err.message, /Two different instance secrets/);
      assert.match(err.message, /embargo\.secret/);
      assert.match(err.message, /secret\.key/);
      return true;
    });
  });
});

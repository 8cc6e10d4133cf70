import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { decodeSecret, InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { defaultSecretFile, legacySecretFile, loadInstanceSecret } from '../../src/secrets/secret-file.ts';

describe('instance secret', () => {
  it('accepts 32+ bytes as hex or base64 from EMBARGO_SECRET and explains anything else', () => {
    const bytes = randomBytes(32);
    assert.deepEqual(decodeSecret(bytes.toString('hex')), bytes);
    assert.deepEqual(decodeSecret(bytes.toString('base64')), bytes);
    assert.deepEqual(decodeSecret(`${bytes.toString('base64url')}\n`), bytes);
    assert.match(decodeSecret(randomBytes(16).toString('base64')) as string, /at least 32 bytes, got 16/);
    assert.match(decodeSecret('not a secret!') as string, /hex or base64/);
    assert.ok(loadConfig({ EMBARGO_SECRET: bytes.toString('base64') }).instanceSecret instanceof InstanceSecret);
    assert.throws(() => loadConfig({ EMBARGO_SECRET: 'c2hvcnQ=' }), (err: unknown) => err instanceof ConfigError && /EMBARGO_SECRET: must decode to at least 32 bytes/.test(err.message));
    assert.equal(loadConfig({}).instanceSecret, undefined);
  });

  it('is generated once next to the data directory (mode 0600), reused, and EMBARGO_SECRET wins', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'embargo-secret-')), 'data');
    const location = { secretFile: defaultSecretFile(dir), dataDir: dir };
    assert.equal(location.secretFile, path.join(path.dirname(dir), 'embargo.secret'));
    assert.equal(loadConfig({ EMBARGO_DATA_DIR: dir }).secretFile, location.secretFile);
    const first = loadInstanceSecret(undefined, location, { createDataDir: true });
    const file = location.secretFile;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal((decodeSecret(readFileSync(file, 'utf8')) as Buffer).length, 32);
    const again = loadInstanceSecret(undefined, location, { createDataDir: true });
    assert.deepEqual(again.secret.derive('t', 'x'), first.secret.derive('t', 'x'));
    assert.equal(again.secret.source, file);
    assert.deepEqual(again.notices, []);

    const fromEnv = new InstanceSecret(randomBytes(32), 'EMBARGO_SECRET');
    assert.equal(loadInstanceSecret(fromEnv, location, { createDataDir: true }).secret, fromEnv, 'EMBARGO_SECRET wins over the file');
    writeFileSync(file, 'garbage!\n');
    assert.throws(() => loadInstanceSecret(undefined, location, { createDataDir: true }), /embargo\.secret: the instance secret must be hex or base64/);
  });

  it('moves a secret left inside the data directory out, once, and drops an identical copy', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'embargo-secret-')), 'data');
    const location = { secretFile: defaultSecretFile(dir), dataDir: dir };
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const text = `${randomBytes(32).toString('base64')}\n`;
    writeFileSync(legacySecretFile(dir), text, { mode: 0o600 });
    const moved = loadInstanceSecret(undefined, location, { createDataDir: true });
    assert.equal(readFileSync(location.secretFile, 'utf8'), text);
    assert.ok(!existsSync(legacySecretFile(dir)));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(moved.notices.map((n) => n.level), ['warn', 'warn']);
    writeFileSync(legacySecretFile(dir), text, { mode: 0o600 });
    const copy = loadInstanceSecret(undefined, location, { createDataDir: true });
    assert.ok(!existsSync(legacySecretFile(dir)), 'an identical leftover copy is removed');
    assert.ok(copy.secret.sameAs(moved.secret));
  });

  it('derives unrelated keys per purpose and never shows itself', () => {
    const bytes = randomBytes(32);
    const secret = new InstanceSecret(bytes, 'EMBARGO_SECRET');
    assert.notDeepEqual(secret.derive('a', 'x'), secret.derive('a', 'y'));
    assert.notDeepEqual(secret.derive('a', 'x'), secret.derive('b', 'x'));
    for (const shown of [JSON.stringify({ secret }), inspect(secret), inspect({ nested: { secret } }), String(Object.values(secret))]) {
      assert.ok(!shown.includes(bytes.toString('hex')) && !shown.includes(bytes.toString('base64')), shown);
    }
    assert.throws(() => new InstanceSecret(randomBytes(16), 'x'), /at least 32 bytes/);
  });
});

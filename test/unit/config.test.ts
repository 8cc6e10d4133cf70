import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';

describe('configuration', () => {
  it('defaults to the embedded database under ./data on port 3000 with the demo program', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embargo-cfg-'));
    const c = loadConfig({}, dir);
    assert.deepEqual(c.database, { kind: 'embedded', dataDir: path.join(dir, 'data'), engine: 'postgres' });
    assert.equal(c.http.port, 3000);
    assert.equal(c.baseUrl, 'http://localhost:3000');
    assert.equal(c.secureCookies, false);
    assert.equal(c.runWorkerInWeb, true);
    assert.equal(c.programs[0]!.slug, 'example');
  });

  it('runs the embedded database in-process on PGlite only when asked (EMBARGO_EMBEDDED_ENGINE=pglite)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embargo-cfg-'));
    assert.deepEqual(loadConfig({ EMBARGO_EMBEDDED_ENGINE: 'pglite' }, dir).database, { kind: 'embedded', dataDir: path.join(dir, 'data'), engine: 'pglite' });
    assert.throws(() => loadConfig({ EMBARGO_EMBEDDED_ENGINE: 'sqlite' }, dir), ConfigError);
  });

  it('switches to PostgreSQL with DATABASE_URL and to secure cookies with an https base URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h/db', EMBARGO_BASE_URL: 'https://security.example.com/' });
    assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://u@h/db' });
    assert.equal(c.baseUrl, 'https://security.example.com');
    assert.equal(c.secureCookies, true);
    assert.equal(c.runWorkerInWeb, false);
  });

  it('lists every invalid variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', EMBARGO_SMTP_URL: 'http://x' }),
      (err: unknown) => err instanceof ConfigError && /PORT/.test(err.message) && /DATABASE_URL/.test(err.message) && /EMBARGO_SMTP_URL/.test(err.message),
    );
  });

  it('reads programs from embargo.config.json and explains what is wrong in it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embargo-cfg-'));
    writeFileSync(path.join(dir, 'embargo.config.json'), JSON.stringify({ programs: [{ ...demoProgram, slug: 'acme', referencePrefix: 'ACME' }] }));
    assert.equal(loadConfig({}, dir).programs[0]!.slug, 'acme');
    writeFileSync(path.join(dir, 'embargo.config.json'), JSON.stringify({ programs: [{ ...demoProgram, referencePrefix: 'x' }] }));
    assert.throws(() => loadConfig({}, dir), /referencePrefix/);
    writeFileSync(path.join(dir, 'embargo.config.json'), '{ nope');
    assert.throws(() => loadConfig({}, dir), /not valid JSON/);
    assert.throws(() => loadConfig({ EMBARGO_CONFIG: 'missing.json' }, dir), /file not found/);
  });
});

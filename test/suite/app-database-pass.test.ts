// Every HTTP-level test file runs the app on PostgreSQL, the code path of the embedded default and of
// an external PostgreSQL: it starts the app on the default database (PostgreSQL, test/helpers/http-app.ts),
// runs both databases itself (a databaseKinds() loop), or says in a comment why it needs one only.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { appCalls, FIXED_MARKER, runsOnDefaultApp } from '../../scripts/app-database-pass.mjs';
import { repoRoot } from '../helpers/embargo-process.ts';
import { defaultAppDatabase } from '../helpers/http-app.ts';

/** This file: its examples below are strings, not calls. */
const SELF = 'test/suite/app-database-pass.test.ts';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) return testFiles(p);
    return /\.test\.tsx?$/.test(entry) ? [path.relative(repoRoot, p)] : [];
  });
}

describe('HTTP-level test files run the app on PostgreSQL', () => {
  it('the default database of an app a test starts is PostgreSQL; PGlite only when asked for, or when PostgreSQL may be skipped', () => {
    const saved = { app: process.env.EMBARGO_TEST_APP_DATABASE, skip: process.env.EMBARGO_TEST_SKIP };
    const set = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
    try {
      set('EMBARGO_TEST_APP_DATABASE', undefined);
      set('EMBARGO_TEST_SKIP', undefined);
      assert.equal(defaultAppDatabase(), 'postgres');
      set('EMBARGO_TEST_SKIP', 'chromium,postgres');
      assert.equal(defaultAppDatabase(), 'pglite');
      set('EMBARGO_TEST_SKIP', undefined);
      set('EMBARGO_TEST_APP_DATABASE', 'pglite');
      assert.equal(defaultAppDatabase(), 'pglite');
      set('EMBARGO_TEST_APP_DATABASE', 'sqlite');
      assert.throws(() => defaultAppDatabase(), /must be pglite or postgres/);
    } finally {
      set('EMBARGO_TEST_APP_DATABASE', saved.app);
      set('EMBARGO_TEST_SKIP', saved.skip);
    }
  });

  it('every file that starts the app runs it on PostgreSQL: on the default database, in a databaseKinds() loop, or with a stated reason', () => {
    const files = testFiles(path.join(repoRoot, 'test')).filter((f) => f !== SELF && readFileSync(path.join(repoRoot, f), 'utf8').includes('startTestApp'));
    assert.ok(files.length > 50, `found only ${files.length} files that start the app`);
    const problems: string[] = [];
    for (const f of files) {
      const source = readFileSync(path.join(repoRoot, f), 'utf8');
      if (/startTestApp\s+as\b/.test(source)) problems.push(`${f}: imports startTestApp under another name, which the selection cannot follow`);
      const calls = appCalls(source);
      if (calls.length === 0) problems.push(`${f}: mentions startTestApp but no call was found`);
      for (const c of calls) if (c.kind === 'unknown') problems.push(`${f}:${c.line}: ${c.reason}`);
    }
    assert.deepEqual(problems, []);
  });

  it('the selection sees the calls the old regex missed, and refuses an unexplained fixed kind', () => {
    assert.ok(runsOnDefaultApp(`t = await startTestApp(undefined, { EMBARGO_BASE_URL: baseUrl });`));
    assert.ok(runsOnDefaultApp(`t = await startTestApp(undefined, {}, (app) => {`));
    assert.ok(runsOnDefaultApp(`t = await startTestApp();`));
    assert.ok(runsOnDefaultApp(`t = await startTestApp(defaultAppDatabase(), { A: 'b' });`));
    assert.ok(runsOnDefaultApp(`t = await startTestApp(\n  undefined,\n  {},\n);`));
    assert.equal(appCalls(`const t = await startTestApp('pglite', example('x'));`)[0]!.kind, 'unknown');
    assert.equal(appCalls(`const t = await startTestApp('postgres');`)[0]!.kind, 'unknown');
    assert.equal(appCalls(`// ${FIXED_MARKER} renders only, nothing stored\nconst t = await startTestApp('pglite');`)[0]!.kind, 'fixed');
    const looped = `for (const kind of await databaseKinds()) {\n  t = await startTestApp(kind);\n}`;
    assert.deepEqual(appCalls(looped).map((c) => c.kind), ['loop']);
    assert.equal(runsOnDefaultApp(looped), false);
    assert.equal(appCalls(`t = await startTestApp(kind);`)[0]!.kind, 'unknown', 'a variable with no databaseKinds() loop');
    assert.equal(appCalls(`t = await startTestApp(\n  kind,\n);`)[0]!.kind, 'unknown');
  });
});

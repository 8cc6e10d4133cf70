import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { postgresBinaries } from '../../src/db/managed-postgres.ts';

/**
 * "npm ci && npm start works on a fresh machine" (issue 16) holds only if the
 * PostgreSQL binaries npm installs need nothing from the system beyond the C
 * library and the C++ runtime Node itself needs. CI installs Debian's
 * PostgreSQL (libpq5, libicu, libssl…) for its other tests: a library the
 * package forgot would be found there and hide the gap. So every library the
 * server, initdb and pg_trgm load must come from the package's own lib/.
 */

/** What every Linux machine that runs Node has: glibc, the dynamic loader, and the C++ runtime (Node links libstdc++ and libgcc_s). */
const SYSTEM = /^(linux-vdso|linux-gate|ld-linux[\w.-]*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libgcc_s|libstdc\+\+)\.so(\.\d+)*$/;

/** The libraries `file` loads that neither come from `libDir` nor are in SYSTEM, and those that are not found at all. */
function foreignLibraries(file: string, libDir: string): { notFound: string[]; fromSystem: string[]; all: string[] } {
  // The environment the embedded server gets (src/db/managed-postgres.ts serverEnv): no LD_LIBRARY_PATH.
  const r = spawnSync('ldd', [file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  assert.equal(r.status, 0, `ldd ${file}: ${r.stderr}`);
  const notFound: string[] = [];
  const fromSystem: string[] = [];
  const all: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\S+)(?: => (.*?))?(?: \(0x[0-9a-f]+\))?\s*$/.exec(line);
    if (!m) continue;
    const [, name, resolved] = m as unknown as [string, string, string | undefined];
    all.push(line.trim());
    if (resolved === 'not found') notFound.push(name);
    else if (resolved && path.dirname(path.resolve(resolved)) === libDir) continue;
    else if (!SYSTEM.test(path.basename(name))) fromSystem.push(`${name} => ${resolved ?? name}`);
  }
  return { notFound, fromSystem, all };
}

describe('the embedded PostgreSQL brings its own libraries', () => {
  const bin = postgresBinaries();
  const libDir = path.join(bin.nativeDir, 'lib');
  const files = {
    postgres: bin.postgres,
    initdb: bin.initdb,
    'pg_trgm.so': path.join(libDir, 'postgresql', 'pg_trgm.so'),
  };
  const cleanup: (() => void)[] = [];
  after(() => cleanup.forEach((step) => step()));

  for (const [name, file] of Object.entries(files)) {
    it(`${name}: every shared library resolves, and all but glibc and the C++ runtime from the package's lib/`, () => {
      const found = foreignLibraries(file, libDir);
      assert.deepEqual(found.notFound, [], `not found:\n${found.all.join('\n')}`);
      assert.deepEqual(found.fromSystem, [], `taken from the system, not from ${libDir}:\n${found.all.join('\n')}`);
      assert.ok(found.all.some((l) => l.startsWith('libc.so')), `ldd listed the libraries: ${found.all.join('\n')}`);
    });
  }

  it('the check sees a library missing from the package (a copy of postgres next to an empty lib/)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-ldd-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(path.join(dir, 'bin'));
    mkdirSync(path.join(dir, 'lib'));
    copyFileSync(bin.postgres, path.join(dir, 'bin', 'postgres'));
    const found = foreignLibraries(path.join(dir, 'bin', 'postgres'), path.join(dir, 'lib'));
    // libicuuc.so.60 is in no Debian release Embargo supports: not found. libssl/libxml2 may come from the system.
    assert.ok(found.notFound.length + found.fromSystem.length >= 3, JSON.stringify(found, null, 2));
    assert.ok([...found.notFound, ...found.fromSystem].some((l) => l.startsWith('libicuuc.so')), JSON.stringify(found, null, 2));
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { manifestProblems, MANIFEST_PATH, readManifest, registeredFiles, sealNewMigrations, type ManifestEntry } from './migration-manifest.ts';

/** Problems a changed manifest adds to those of the real one (a migration still being written is not sealed yet). */
function newProblems(entries: ManifestEntry[]): string[] {
  const baseline = new Set(manifestProblems());
  return manifestProblems(entries).filter((p) => !baseline.has(p));
}

describe('released migrations are never edited', () => {
  it('every registered migration is sealed in MANIFEST.sha256 and matches its hash', () => {
    assert.deepEqual(manifestProblems(), []);
  });

  it('names an edited migration and says to add a new one instead', () => {
    const entries = readManifest();
    const problems = newProblems(entries.map((e, i) => (i === 1 ? { ...e, sha256: '0'.repeat(64) } : e)));
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, new RegExp(`^migration ${entries[1]!.file} was edited; released migrations are never edited, add a new one`));
  });

  it('names a deleted migration', () => {
    assert.deepEqual(newProblems([...readManifest(), { sha256: 'a'.repeat(64), file: '2026-01-01T0000-gone.ts' }]), [
      'migration 2026-01-01T0000-gone.ts was deleted or renamed; released migrations are never removed, restore it.',
    ]);
  });

  it('names a registered migration missing from the manifest and the command that adds it', () => {
    const entries = readManifest();
    const newest = entries.map((e) => e.file).sort().at(-1)!;
    assert.deepEqual(newProblems(entries.filter((e) => e.file !== newest)), [
      `migration ${newest} is not in MANIFEST.sha256; once it is final, add it with: npm run migrations:seal`,
    ]);
  });

  it('refuses a new migration that sorts before a released one (databases that ran the later one would refuse it)', () => {
    const entries = readManifest();
    // Pretend the first migration is new and a later one released: it now sorts before a released migration.
    const problems = newProblems(entries.slice(1));
    assert.ok(problems.includes(`migration ${entries[0]!.file} sorts before the released ${entries.map((e) => e.file).sort().at(-1)}; databases that ran that one would refuse it: give it a later timestamp.`), problems.join('\n'));
  });

  it('sealing appends only new migrations and never rewrites a line, not even a wrong one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embargo-manifest-'));
    try {
      const lines = readFileSync(MANIFEST_PATH, 'utf8').trimEnd().split('\n');
      // The first line tampered with, the last two missing (and no final newline, as an editor may leave it).
      const kept = [`${'f'.repeat(64)}  ${readManifest()[0]!.file}`, ...lines.slice(1, -2)];
      const start = kept.join('\n');
      const file = path.join(dir, 'MANIFEST.sha256');
      writeFileSync(file, start);
      const listed = new Set(readManifest(start).map((e) => e.file));
      const added = sealNewMigrations(file);
      assert.deepEqual(added, registeredFiles().filter((f) => !listed.has(f)));
      assert.ok(added.length >= 2);
      const after = readFileSync(file, 'utf8');
      assert.ok(after.startsWith(`${start}\n`), 'existing lines are kept byte for byte');
      const appended = after.trimEnd().split('\n').slice(kept.length);
      for (const line of lines.slice(-2)) assert.ok(appended.includes(line), `re-sealed as before: ${line}`);
      assert.deepEqual(sealNewMigrations(file), [], 'sealing twice adds nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

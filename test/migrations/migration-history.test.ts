// Released migrations are checked against git, not only against the manifest in the same tree:
// a change that edits a migration and its MANIFEST.sha256 line together is still caught.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/embargo-process.ts';
import { manifestAtMergeBase, MANIFEST_IN_REPO, releasedFromHistory, releasedMigrationProblems } from './migration-history.ts';
import { readManifest } from './migration-manifest.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'embargo-migration-history-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A clone of this repository (its full history; origin/main where this one has main), as CI has it. */
function cloneOfThisRepo(name: string): string {
  const dir = path.join(tmp, name);
  git(tmp, 'clone', '-q', '--no-local', repoRoot, dir);
  // The working tree as it is here (uncommitted work included), committed on the clone's branch.
  execFileSync('sh', ['-c', `git -C "${repoRoot}" diff HEAD --binary | git -C "${dir}" apply --allow-empty -`]);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'the working tree under test');
  return dir;
}

/** Edits a released migration and rewrites its manifest line to match, as a careless change would. */
function editWithManifest(dir: string): string {
  const file = readManifest(readFileSync(path.join(dir, MANIFEST_IN_REPO), 'utf8'))[3]!.file;
  const full = path.join(dir, 'src/db/migrations', file);
  appendFileSync(full, '\n// a "harmless" edit\n');
  const hash = createHash('sha256').update(readFileSync(full)).digest('hex');
  const manifest = path.join(dir, MANIFEST_IN_REPO);
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(new RegExp(`^[0-9a-f]{64}  ${file.replace(/\./g, '\\.')}$`, 'm'), `${hash}  ${file}`));
  return file;
}

describe('released migrations, checked against git history', () => {
  it('every released migration and manifest line is as git says it was released', () => {
    const released = releasedFromHistory(repoRoot);
    assert.ok(released.size >= 40, `the manifest's history seals ${released.size} migrations`);
    assert.deepEqual(releasedMigrationProblems(repoRoot), []);
  });

  it('catches a migration edited together with its manifest line, committed or not, with or without origin/main', () => {
    const dir = cloneOfThisRepo('clone');
    assert.ok(manifestAtMergeBase(dir), 'a clone has origin/main and a merge-base');
    const file = editWithManifest(dir);
    const uncommitted = releasedMigrationProblems(dir);
    assert.ok(uncommitted.some((p) => p.startsWith(`migration ${file} differs from the manifest at the merge-base with origin/main`)), uncommitted.join('\n'));
    assert.ok(uncommitted.some((p) => p.startsWith(`migration ${file} differs from its release (commit `)), uncommitted.join('\n'));
    git(dir, 'commit', '-q', '-am', 'edit a released migration and its manifest line');
    assert.ok(releasedMigrationProblems(dir).some((p) => p.startsWith(`migration ${file} differs from`)), 'committed on the branch');
    git(dir, 'remote', 'remove', 'origin');
    assert.equal(manifestAtMergeBase(dir), undefined);
    const noOrigin = releasedMigrationProblems(dir);
    assert.ok(noOrigin.some((p) => p.startsWith(`migration ${file} differs from its release (commit `)), noOrigin.join('\n'));
    assert.ok(noOrigin.some((p) => p.startsWith(`MANIFEST.sha256's line for ${file} differs from its release`)), noOrigin.join('\n'));
  });
});

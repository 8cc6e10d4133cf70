import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readManifest, type ManifestEntry } from './migration-manifest.ts';

/** The manifest's path inside the repository. */
export const MANIFEST_IN_REPO = 'src/db/migrations/MANIFEST.sha256';

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryGit(repo: string, args: string[]): string | undefined {
  try {
    return git(repo, args).trim();
  } catch {
    return undefined;
  }
}

/**
 * Each migration's hash as it was released, from git rather than from the manifest in the tree
 * (which an edit could rewrite along with the migration): the line that first added it to
 * MANIFEST.sha256 in the history, oldest first; with `since` the commit that added it.
 */
export function releasedFromHistory(repo: string): Map<string, { sha256: string; since: string }> {
  const log = git(repo, ['log', '--reverse', '--topo-order', '-p', '--format=commit %H', '--', MANIFEST_IN_REPO]);
  const released = new Map<string, { sha256: string; since: string }>();
  let commit = '';
  for (const line of log.split('\n')) {
    const c = /^commit ([0-9a-f]{40})$/.exec(line);
    if (c) commit = c[1]!;
    const added = /^\+([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (added && !released.has(added[2]!)) released.set(added[2]!, { sha256: added[1]!, since: commit.slice(0, 12) });
  }
  return released;
}

/** The manifest as it was where this branch left main (`git merge-base HEAD origin/main`), when there is an origin/main. */
export function manifestAtMergeBase(repo: string): { base: string; entries: ManifestEntry[] } | undefined {
  if (tryGit(repo, ['rev-parse', '--verify', '-q', 'origin/main']) === undefined) return undefined;
  const base = tryGit(repo, ['merge-base', 'HEAD', 'origin/main']);
  if (!base) return undefined;
  const text = tryGit(repo, ['show', `${base}:${MANIFEST_IN_REPO}`]);
  return text === undefined ? undefined : { base: base.slice(0, 12), entries: readManifest(text) };
}

/**
 * Released migrations changed in the working tree of `repo`, compared with what git says was
 * released: the manifest at the merge-base with origin/main (when there is one) and the line that
 * first sealed each migration in the manifest's history. Editing a migration and its manifest
 * line together passes the manifest test, not this one.
 */
export function releasedMigrationProblems(repo: string): string[] {
  const dir = path.join(repo, path.dirname(MANIFEST_IN_REPO));
  const current = new Map(readManifest(readFileSync(path.join(repo, MANIFEST_IN_REPO), 'utf8')).map((e) => [e.file, e.sha256]));
  const expected: { file: string; sha256: string; where: string }[] = [];
  const atBase = manifestAtMergeBase(repo);
  for (const e of atBase?.entries ?? []) expected.push({ ...e, where: `the manifest at the merge-base with origin/main (${atBase!.base})` });
  for (const [file, r] of releasedFromHistory(repo)) expected.push({ file, sha256: r.sha256, where: `its release (commit ${r.since})` });
  const problems = new Set<string>();
  for (const e of expected) {
    const file = path.join(dir, e.file);
    if (!existsSync(file)) {
      problems.add(`migration ${e.file} was deleted or renamed since ${e.where}; released migrations are never removed, restore it.`);
      continue;
    }
    if (createHash('sha256').update(readFileSync(file)).digest('hex') !== e.sha256) {
      problems.add(`migration ${e.file} differs from ${e.where}; released migrations are never edited, add a new one (restore it with: git checkout origin/main -- src/db/migrations/${e.file}).`);
    }
    if (current.get(e.file) !== e.sha256) problems.add(`MANIFEST.sha256's line for ${e.file} differs from ${e.where}; its lines are never rewritten.`);
  }
  return [...problems];
}

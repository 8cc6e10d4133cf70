import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrations } from '../../src/db/migrations/index.ts';

/** Where the migrations live; the manifest sits beside them so a reviewer sees both in one diff. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
/** `sha256sum` format (`<hex>  <file>`), so `cd src/db/migrations && sha256sum -c MANIFEST.sha256` checks it too. */
export const MANIFEST_PATH = path.join(MIGRATIONS_DIR, 'MANIFEST.sha256');
/** The command that adds new migrations to the manifest. */
export const SEAL_COMMAND = 'npm run migrations:seal';

/** A migration's file name: a UTC timestamp, then what it does. */
const NAME = /^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*\.ts$/;

export interface ManifestEntry {
  sha256: string;
  file: string;
}

/** The manifest's lines in file order; a malformed line is an error, not something to skip. */
export function readManifest(text: string = existsSync(MANIFEST_PATH) ? readFileSync(MANIFEST_PATH, 'utf8') : ''): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (!m) throw new Error(`${MANIFEST_PATH}:${i + 1}: not "<sha256>  <file>": ${JSON.stringify(line)}`);
    entries.push({ sha256: m[1]!, file: m[2]! });
  }
  return entries;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(path.join(MIGRATIONS_DIR, file))).digest('hex');
}

/** The file of each registered migration, in the order they run: Kysely sorts by name (a migration is named after its file). */
export function registeredFiles(): string[] {
  return Object.keys(migrations)
    .sort()
    .map((name) => `${name}.ts`);
}

/** Migration files in the folder (everything but the index). */
export function migrationFilesOnDisk(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort();
}

/**
 * Everything wrong between the manifest, the folder and index.ts, as
 * messages that say what to do. Empty means released migrations are intact
 * and every registered one is sealed.
 */
export function manifestProblems(entries: readonly ManifestEntry[] = readManifest()): string[] {
  const problems: string[] = [];
  const sealed = new Map(entries.map((e) => [e.file, e.sha256]));
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.file)) problems.push(`${e.file} is listed twice in ${path.basename(MANIFEST_PATH)}; keep the first line.`);
    seen.add(e.file);
    if (!existsSync(path.join(MIGRATIONS_DIR, e.file))) {
      problems.push(`migration ${e.file} was deleted or renamed; released migrations are never removed, restore it.`);
    } else if (sha256File(e.file) !== e.sha256) {
      problems.push(`migration ${e.file} was edited; released migrations are never edited, add a new one (restore it with: git checkout origin/main -- src/db/migrations/${e.file}).`);
    }
  }
  const registered = registeredFiles();
  const lastReleased = [...sealed.keys()].sort().at(-1);
  for (const file of registered) {
    if (!NAME.test(file)) problems.push(`${file}: name migrations YYYY-MM-DDTHHMM-what-it-does.ts (UTC), so they sort in the order they run.`);
    if (!existsSync(path.join(MIGRATIONS_DIR, file))) problems.push(`index.ts registers ${file}, which does not exist; a migration's name must be its file name without .ts.`);
    else if (!sealed.has(file)) {
      problems.push(`migration ${file} is not in ${path.basename(MANIFEST_PATH)}; once it is final, add it with: ${SEAL_COMMAND}`);
      // Kysely runs migrations in name order and refuses one that sorts before a migration the database already ran.
      if (lastReleased && file < lastReleased) problems.push(`migration ${file} sorts before the released ${lastReleased}; databases that ran that one would refuse it: give it a later timestamp.`);
    }
  }
  for (const file of migrationFilesOnDisk()) {
    if (!registered.includes(file)) problems.push(`${file} is not registered in src/db/migrations/index.ts; add it at the end of \`migrations\`.`);
  }
  return problems;
}

/**
 * Appends the hash of every registered migration the manifest does not list
 * yet. Existing lines are never rewritten: an edited released migration stays
 * an error until the file is restored.
 */
export function sealNewMigrations(manifestPath: string = MANIFEST_PATH): string[] {
  const text = existsSync(manifestPath) ? readFileSync(manifestPath, 'utf8') : '';
  const listed = new Set(readManifest(text).map((e) => e.file));
  const added = registeredFiles().filter((f) => !listed.has(f) && existsSync(path.join(MIGRATIONS_DIR, f)));
  if (added.length === 0) return added;
  const lead = text === '' || text.endsWith('\n') ? '' : '\n';
  appendFileSync(manifestPath, lead + added.map((f) => `${sha256File(f)}  ${f}\n`).join(''));
  return added;
}

import { chmodSync, copyFileSync, constants, existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { mkdirSynced, syncFile, syncParent, writeFileSynced } from '../fs/durable.ts';
import { decodeSecret, InstanceSecret, MIN_SECRET_BYTES } from './instance-secret.ts';

/** Something start-up should tell the operator about the secret or the data directory. */
export interface SecretNotice {
  level: 'info' | 'warn';
  msg: string;
}

/** Where the secret is read from, and the data directory it must stay out of. */
export interface SecretLocation {
  /** EMBARGO_SECRET_FILE, absolute; by default `embargo.secret` next to the data directory. */
  secretFile: string;
  dataDir: string;
}

/** The file's default place: beside the data directory, so backing that directory up leaves the key out. */
export function defaultSecretFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), 'embargo.secret');
}

/** Where versions before EMBARGO_SECRET_FILE generated the secret: inside the data directory. */
export function legacySecretFile(dataDir: string): string {
  return path.join(dataDir, 'secret.key');
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function readSecret(file: string): InstanceSecret {
  const decoded = decodeSecret(readFileSync(file, 'utf8'));
  if (typeof decoded === 'string') throw new Error(`${file}: the instance secret ${decoded}.`);
  return new InstanceSecret(decoded, file);
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Moves the old secret file to its new place without ever having two
 * different secrets or none: a hard link (atomic, refuses to overwrite),
 * then the old name goes; across file systems a copy that refuses to
 * overwrite. False when the new place cannot be written (the caller keeps
 * using the old file, and says so).
 */
function moveOut(from: string, to: string): { moved: true } | { moved: false; reason: string } {
  try {
    mkdirSynced(path.dirname(to), 0o700);
    try {
      linkSync(from, to);
    } catch (err) {
      if (errno(err) !== 'EXDEV') throw err;
      copyFileSync(from, to, constants.COPYFILE_EXCL);
      chmodSync(to, 0o600);
      syncFile(to);
    }
    // The new name is on disk before the old one goes.
    syncParent(to);
  } catch (err) {
    return { moved: false, reason: errno(err) ?? String(err) };
  }
  unlinkSync(from);
  syncParent(from);
  return { moved: true };
}

/**
 * The instance secret from its file, generated on first use (mode 0600).
 * The file is kept out of the data directory, which operators back up: a
 * backup that carries the key that protects it protects nothing. A secret
 * left inside by an earlier version is moved out (or, when that cannot be
 * done, used with a warning naming the fix), so existing instances keep
 * their data. Two different secrets refuse to start: only the operator can
 * know which one the data was sealed with.
 */
export function openSecretFile(location: SecretLocation): { secret: InstanceSecret; notices: SecretNotice[] } {
  const { secretFile, dataDir } = location;
  const notices: SecretNotice[] = [];
  const legacy = legacySecretFile(dataDir);
  if (secretFile !== legacy && existsSync(legacy)) {
    if (existsSync(secretFile)) {
      const kept = readSecret(secretFile);
      const old = readSecret(legacy);
      if (!kept.sameAs(old)) {
        throw new Error(
          `Two different instance secrets: ${secretFile} and ${legacy} (inside the data directory, where earlier versions generated it). ` +
            `Keep the one this instance's data was sealed with (the one in the data directory, unless you replaced it on purpose): ` +
            `move it to ${secretFile}, then start again.`,
        );
      }
      rmSync(legacy);
      notices.push({ level: 'info', msg: `removed ${legacy}, a copy of the instance secret ${secretFile} inside the data directory` });
    } else {
      const move = moveOut(legacy, secretFile);
      if (!move.moved) {
        notices.push({
          level: 'warn',
          msg:
            `The instance secret ${legacy} is inside the data directory, so every backup of it carries the key that protects it, ` +
            `and it could not be moved to ${secretFile} (${move.reason}). Move it out yourself (e.g. mv ${legacy} /etc/embargo/secret) ` +
            `and set EMBARGO_SECRET_FILE to the new path, or put its content in EMBARGO_SECRET.`,
        });
        return { secret: readSecret(legacy), notices };
      }
      notices.push({ level: 'warn', msg: `moved the instance secret out of the data directory: ${legacy} → ${secretFile}. Back it up apart from the data directory.` });
    }
  }

  if (!existsSync(secretFile)) generate(secretFile);
  if ((statSync(secretFile).mode & 0o077) !== 0) {
    chmodSync(secretFile, 0o600);
    notices.push({ level: 'warn', msg: `${secretFile} was readable by others; its mode is now 0600` });
  }
  if (isInside(secretFile, dataDir)) {
    notices.push({
      level: 'warn',
      msg:
        `The instance secret ${secretFile} is inside the data directory ${dataDir}, so every backup of it carries the key that protects it. ` +
        `Set EMBARGO_SECRET_FILE to a path outside ${dataDir}, or put the secret in EMBARGO_SECRET.`,
    });
  }
  return { secret: readSecret(secretFile), notices };
}

/**
 * Writes a new secret aside and hard-links it into place, which fails if the
 * file exists: two processes starting at once agree on one secret and never
 * read half a file. The content is synced before the link and the directory
 * after it: once the database holds data sealed with this secret, a power cut
 * must not take the secret back (an empty or missing file would leave every
 * sealed report unreadable).
 */
function generate(file: string): void {
  try {
    mkdirSynced(path.dirname(file), 0o700);
  } catch (err) {
    throw new Error(`Cannot create the directory of the instance secret ${file} (${errno(err)}). Set EMBARGO_SECRET_FILE to a writable path outside the data directory, or EMBARGO_SECRET.`);
  }
  const draft = `${file}.${process.pid}.tmp`;
  try {
    writeFileSynced(draft, `${randomBytes(MIN_SECRET_BYTES).toString('base64')}\n`, 0o600);
    linkSync(draft, file);
    syncParent(file);
  } catch (err) {
    if (errno(err) === 'EACCES' || errno(err) === 'EPERM' || errno(err) === 'EROFS') {
      throw new Error(`Cannot create the instance secret ${file} (${errno(err)}). Set EMBARGO_SECRET_FILE to a writable path outside the data directory, or EMBARGO_SECRET.`);
    }
    if (errno(err) !== 'EEXIST') throw err;
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * The data directory holds the database, its lock and the admin socket:
 * private to the account running Embargo. Created 0700, and an existing one
 * that others can read (earlier versions left 0755) is tightened.
 */
export function securePrivateDir(dataDir: string, create: boolean): SecretNotice[] {
  if (!existsSync(dataDir)) {
    if (create) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return [];
  }
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  try {
    chmodSync(dataDir, 0o700);
    return [{ level: 'warn', msg: `the data directory ${dataDir} was readable by others (mode 0${mode.toString(8)}); its mode is now 0700` }];
  } catch (err) {
    return [{ level: 'warn', msg: `the data directory ${dataDir} is readable by others (mode 0${mode.toString(8)}) and could not be changed (${errno(err)}): run chmod 700 ${dataDir}` }];
  }
}

/**
 * The instance secret and what start-up should say about it: EMBARGO_SECRET
 * when set, else the secret file (see openSecretFile). The data directory is
 * made private either way; `createDataDir` for the embedded database, which
 * keeps its files there.
 */
export function loadInstanceSecret(
  fromEnv: InstanceSecret | undefined,
  location: SecretLocation,
  options: { createDataDir: boolean },
): { secret: InstanceSecret; notices: SecretNotice[] } {
  const notices = securePrivateDir(location.dataDir, options.createDataDir);
  if (!fromEnv) {
    const opened = openSecretFile(location);
    return { secret: opened.secret, notices: [...notices, ...opened.notices] };
  }
  const legacy = legacySecretFile(location.dataDir);
  if (existsSync(legacy)) {
    notices.push({
      level: 'warn',
      msg: `${legacy} is not used (EMBARGO_SECRET is set) but sits inside the data directory, so every backup of it carries it. Once you have checked it holds the same secret as EMBARGO_SECRET, delete it.`,
    });
  }
  return { secret: fromEnv, notices };
}

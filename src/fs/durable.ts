import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes that survive a power cut once they returned. A file's data and a
 * directory's entries (a new name, a rename) reach the disk on the kernel's
 * schedule, up to about 30 s later, unless synced: a secret written but not
 * synced can come back empty or missing, and a rename not synced can come
 * back undone.
 */

/** Opens `p` with `flags`, fsyncs it and closes it. */
function syncPath(p: string, flags: 'r' | 'r+'): void {
  const fd = openSync(p, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Syncs the directory itself: the names created, linked or renamed in it are on disk afterwards. */
export function syncDirectory(dir: string): void {
  syncPath(dir, 'r');
}

/** Writes `file` (created with `mode`) and syncs its content before returning. Its name is synced with its directory (syncParent). */
export function writeFileSynced(file: string, content: string, mode: number): void {
  const fd = openSync(file, 'w', mode);
  try {
    const data = Buffer.from(content);
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Syncs the directory holding `file`, after `file` was created, linked, renamed or unlinked there. */
export function syncParent(file: string): void {
  syncDirectory(path.dirname(file));
}

/** Syncs a file's content already written (e.g. by copyFileSync). */
export function syncFile(file: string): void {
  syncPath(file, 'r+');
}

/** mkdir -p with `mode`, syncing the parent of every directory it created, so none of them is lost in a power cut. */
export function mkdirSynced(dir: string, mode: number): void {
  const first = mkdirSync(dir, { recursive: true, mode });
  if (first === undefined) return;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    syncParent(d);
    if (d === path.resolve(first) || d === path.dirname(d)) break;
  }
}

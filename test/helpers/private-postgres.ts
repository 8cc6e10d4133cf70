import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './embargo-process.ts';

const run = promisify(execFile);

/** initdb and pg_ctl: EMBARGO_TEST_PG_BIN, or the newest Debian postgresql-N package (/usr/lib/postgresql/N/bin). */
function postgresBinDir(): string {
  if (process.env.EMBARGO_TEST_PG_BIN) return process.env.EMBARGO_TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0] ?? '15', 'bin');
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  port: number;
  /** Stops the server (`pg_ctl stop -m <mode>`); connections in use are cut. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Ends every backend connected to `database` except the caller's (pg_terminate_backend, 57P01 to the client). */
  terminateBackends(database: string): Promise<number>;
  /** Runs one statement as the superuser on `database`. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, database?: string): Promise<pg.QueryResult<R>>;
  /** Stops the server and removes its files. */
  destroy(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster of our own (initdb + pg_ctl on a free port in
 * a temp dir), for tests that stop and start the server: the shared one on
 * 5432 serves other tests and must never be restarted. PostgreSQL refuses to
 * run as root, so the binaries run as the `postgres` OS user when we are root.
 * Missing binaries throw: a resilience test must fail, not skip, without them.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const PG_BIN = postgresBinDir();
  for (const bin of ['initdb', 'pg_ctl']) {
    if (!existsSync(path.join(PG_BIN, bin))) throw new Error(`${path.join(PG_BIN, bin)} not found: install the PostgreSQL server package (or set EMBARGO_TEST_PG_BIN) to run the PostgreSQL restart tests`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-pg-'));
  const dataDir = path.join(dir, 'cluster');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (bin: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]) : run(path.join(PG_BIN, bin), args));

  await pgRun('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  // Sockets in our own directory, fsync off: it is a test cluster that dies with the test.
  writeFileSync(
    path.join(dataDir, 'postgresql.auto.conf'),
    [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', 'max_connections = 50', ''].join('\n'),
  );
  if (asRoot) await run('chown', ['postgres:', path.join(dataDir, 'postgresql.auto.conf')]);
  const logFile = path.join(dir, 'server.log');

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const start = async () => {
    await pgRun('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '30', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgRun('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
  };
  const query = async <R extends pg.QueryResultRow>(text: string, database = 'postgres') => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return await client.query<R>(text);
    } finally {
      await client.end();
    }
  };
  let running = false;
  await start();
  running = true;
  return {
    url,
    port,
    async stop(mode) {
      await stop(mode);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async terminateBackends(database) {
      const result = await query<{ n: string }>(
        `SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE datname = '${database.replace(/'/g, "''")}' AND pid <> pg_backend_pid()`,
      );
      return Number(result.rows[0]!.n);
    },
    query,
    async destroy() {
      try {
        if (running) await stop('immediate');
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * What PostgreSQL itself manages on this machine for a transaction shaped like
 * a submission: three inserts (the report with a 2 KB payload, its first event,
 * a job), committed, by the same number of clients for the same time. The
 * bench prints Embargo's submissions/s as a fraction of it: the part of the
 * database's ceiling that the web, sealing and screening work leaves.
 */
export interface PgbenchResult {
  tps: number;
  latencyMs: number;
}

// pgbench substitutes :variables as raw text, so the id comes back already quoted as a literal.
const SCRIPT = `BEGIN;
INSERT INTO bench_reports (id, body) VALUES (gen_random_uuid(), repeat(md5(random()::text), 64)) RETURNING quote_literal(id) AS id \\gset
INSERT INTO bench_events (report_id, data) VALUES (:id, '{"type":"submitted","channel":"web"}');
INSERT INTO bench_jobs (kind, payload) VALUES ('notify', json_build_object('reportId', :id)::text);
END;
`;

export async function pgbenchSubmissionShape(databaseUrl: string, clients: number, seconds: number): Promise<PgbenchResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE bench_reports (id uuid PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE bench_events (id bigserial PRIMARY KEY, report_id uuid NOT NULL REFERENCES bench_reports(id), data jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE bench_jobs (id bigserial PRIMARY KEY, kind text NOT NULL, payload text NOT NULL, state text NOT NULL DEFAULT 'pending', run_at timestamptz NOT NULL DEFAULT now());`);
  } finally {
    await client.end();
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'embargo-pgbench-'));
  try {
    const script = path.join(dir, 'submission.sql');
    await writeFile(script, SCRIPT);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('pgbench', ['-n', '-c', String(clients), '-j', String(Math.min(clients, os.cpus().length)), '-T', String(seconds), '-f', script, databaseUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}: ${text.slice(-500)}`))));
    });
    const tps = /tps = ([\d.]+)/.exec(out);
    const latency = /latency average = ([\d.]+) ms/.exec(out);
    if (!tps || !latency) throw new Error(`pgbench printed no tps: ${out.slice(-500)}`);
    return { tps: Number(tps[1]), latencyMs: Number(latency[1]) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resident memory of a process in MB (Linux /proc). */
export async function rssMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Math.round(Number(kb[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks of 1/100 s). */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) in parentheses; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

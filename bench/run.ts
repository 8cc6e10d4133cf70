/**
 * `npm run bench`: Embargo's web server under load, on the embedded database
 * (the PostgreSQL server Embargo runs itself) and on PostgreSQL, next to a bare Fastify hello-world as ceiling.
 *
 * Every server runs as its own child process; this process only seeds the
 * database beforehand and drives autocannon over loopback HTTP. Results go to
 * stdout as markdown, progress to stderr. Nothing is written to the repository.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { Browser, hiddenField, multipartBody } from './browser.ts';
import { runLoad, type LoadResult, type LoadSpec } from './load.ts';
import { cleanEnv, freePort, repoRoot, startNodeServer, type ChildServer } from './processes.ts';
import { DEEP_OFFSET, SEARCH_WORD, seedDatabase, STAFF_EMAIL, STAFF_PASSWORD, type SeedResult } from './seed.ts';
import { INBOX_SORTS } from '../src/reports/list-reports.ts';
import { explainInboxViews } from './explain.ts';
import { cpuSeconds, pgbenchSubmissionShape, rssMb, type PgbenchResult } from './pgbench.ts';
import { treeMemoryMb } from './memory.ts';
import { spawnSync } from 'node:child_process';
import { NODE_FLAGS } from '../scripts/node-flags.mjs';

/**
 * `--reports N` (default 100,000), `--only postgres|embedded`, `--explain` (query plans of the inbox views):
 * e.g. `npm run bench -- --reports 1000000 --only postgres --explain`.
 */
function benchOptions(argv: readonly string[]): { reports: number; only: 'postgres' | 'embedded' | undefined; explain: boolean; keep: boolean } {
  let reports = 100_000;
  let keep = false;
  let only: 'postgres' | 'embedded' | undefined;
  let explain = false;
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (name === '--reports') {
      reports = Number(value().replace(/[_,]/g, ''));
      if (!Number.isInteger(reports) || reports < DEEP_OFFSET + 1) throw new Error(`--reports: a whole number above ${DEEP_OFFSET}`);
    } else if (name === '--only') {
      const v = value();
      if (v !== 'postgres' && v !== 'embedded') throw new Error('--only: postgres or embedded');
      only = v;
    } else if (name === '--explain') explain = true;
    else if (name === '--keep') keep = true;
    else throw new Error(`unknown option ${argv[i]} (known: --reports N, --only postgres|embedded, --explain, --keep)`);
  }
  return { reports, only, explain, keep };
}
const OPTIONS = benchOptions(process.argv.slice(2));
const REPORTS = OPTIONS.reports;
/** Concurrent clients for submissions and for the hello-world ceiling. */
const CONNECTIONS = 16;
/**
 * After the load the server finishes its queue (on the embedded database the worker runs inside it:
 * a notification job per submission), then idles. Its memory is read again once its CPU use stayed
 * under IDLE_CPU_SHARE for IDLE_SECONDS, plus one interval of its idle heap compaction
 * (src/ops/heap-compaction.ts), and at most SETTLE_LIMIT_SECONDS after the load.
 */
const IDLE_SECONDS = 5;
const IDLE_CPU_SHARE = 0.02;
const SETTLE_LIMIT_SECONDS = 90;
const SUBMIT_SECONDS = 10;
/** One staff member clicking: latency of the page itself, not of a queue in front of it. */
const INBOX_CONNECTIONS = 1;
const INBOX_SECONDS = 10;
/** Before each measurement, so JIT, plan and buffer caches are warm. */
const WARMUP_SECONDS = 2;
const PG_ADMIN_URL =
  process.env.EMBARGO_BENCH_DATABASE_URL ?? process.env.EMBARGO_TEST_DATABASE_URL ?? 'postgres://embargo_test@127.0.0.1:5432/embargo_test';
/** How a reference looks in a page (see src/domain/reference.ts). */
const REFERENCE_IN_PAGE = /\b[A-Z][A-Z0-9]{1,9}-\d{4}-\d{4,}\b/;

type InboxView = 'inbox' | 'search' | 'deep';

interface DatabaseResult {
  label: string;
  /** 1-minute load average when this database's run began: other work on the machine shows here. */
  loadAverage: number;
  error?: string;
  seed?: SeedResult;
  inbox?: Record<InboxView, LoadResult>;
  /** Other inbox sorts (open reports, first page), by sort name. */
  sorts?: Record<string, LoadResult>;
  submit?: LoadResult;
  /** The server process's CPU time (user + system) per measured submission, in ms: less noisy than the rate on a shared machine. */
  cpuPerSubmitMs?: number;
  /** EXPLAIN (ANALYZE, BUFFERS) of the inbox views, markdown (--explain). */
  plans?: string;
  /** Reports in the database after the run, against 303s counted. */
  stored?: { actual: number; counted: number };
  /** Spawn to /healthz 200 on the seeded (warm) database, and resident memory after start and after the load. */
  start?: { seconds: number; rssAfterStart: number | undefined; rssAfterBench: number | undefined; rssSettled?: number | undefined; settledAfterSeconds?: number };
  /** Embedded only: spawn to /healthz 200 on an empty data directory (the database is created). */
  firstStartSeconds?: number;
  /** Embargo and every process it started (the embedded PostgreSQL server), after start and after the load. */
  tree?: { afterStart?: Awaited<ReturnType<typeof treeMemoryMb>>; afterBench?: Awaited<ReturnType<typeof treeMemoryMb>> };
}

const log = (message: string) => process.stderr.write(`» ${message}\n`);

/** Undo steps, run newest first: at the end of each phase, or all at once on Ctrl-C. */
class Cleanups {
  private steps: { label: string; run: () => Promise<unknown> }[] = [];

  add(label: string, run: () => Promise<unknown>): void {
    this.steps.push({ label, run });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs the steps added after `mark` (all by default). Every step is safe to run twice. */
  async unwind(mark = 0): Promise<void> {
    while (this.steps.length > mark) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (err) {
        log(`cleanup "${step.label}" failed: ${(err as Error).message}`);
      }
    }
  }
}

const cleanups = new Cleanups();
/** Set on Ctrl-C: no new phase may start (and create a database or server) while cleaning up. */
let interrupted = false;

/** Runs `body`, then unwinds whatever it registered, even when it throws. */
async function phase<T>(body: () => Promise<T>): Promise<T> {
  if (interrupted) throw new Error('interrupted');
  const mark = cleanups.size;
  try {
    return await body();
  } finally {
    await cleanups.unwind(mark);
  }
}

async function pgAdmin<T extends pg.QueryResultRow>(query: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query<T>(query);
  } finally {
    await client.end();
  }
}

/** The data directory: PGlite's files, and where the server would otherwise write secret.key. */
async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'embargo-bench-'));
  cleanups.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function throwawayPostgres(): Promise<Record<string, string>> {
  const name = `embargo_bench_${randomBytes(4).toString('hex')}`;
  await pgAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // --keep: left for a look with psql (drop it yourself); FORCE: a server killed mid-run may still hold connections.
  if (OPTIONS.keep) log(`keeping the database: ${url.toString()}`);
  else cleanups.add(`drop database ${name}`, () => pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { DATABASE_URL: url.toString() };
}

/** Distinct client addresses, so the per-address submission limit (30 an hour) never trips. */
function addressSequence(): () => string {
  let n = 0;
  return () => {
    n = (n + 1) % 0xffffff;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
}

async function warmThenMeasure(spec: Omit<LoadSpec, 'seconds'>, seconds: number): Promise<{ warmup: LoadResult; measured: LoadResult }> {
  const warmup = await runLoad({ ...spec, seconds: WARMUP_SECONDS });
  return { warmup, measured: await runLoad({ ...spec, seconds }) };
}

async function signIn(server: ChildServer): Promise<Browser> {
  const staff = new Browser(server.url);
  const page = await staff.get('/staff/login');
  const res = await staff.postForm('/staff/login', { email: STAFF_EMAIL, password: STAFF_PASSWORD, _csrf: hiddenField(page.html, '_csrf') });
  if (res.status !== 303 || !staff.cookies.has('embargo_session')) throw new Error(`staff sign-in failed with status ${res.status}`);
  return staff;
}

/**
 * More views, first page each: the inbox's other sorts (open reports), when this version offers
 * them, and a search for a word only one old report contains (each seeded report names its build).
 */
async function measureSorts(server: ChildServer, staff: Browser): Promise<Record<string, LoadResult>> {
  const results: Record<string, LoadResult> = {};
  const views = ['deadline', 'severity'].filter((s) => s in INBOX_SORTS).map((sort) => [`sorted by ${sort}`, `/staff/reports?sort=${sort}`] as const);
  const rare = String(Math.ceil(REPORTS * 0.9));
  for (const [sort, pagePath] of [...views, [`search for a word in one old report ("${rare}")`, `/staff/reports?q=${rare}&state=all`] as const]) {
    const page = await staff.get(pagePath);
    if (page.status !== 200 || !REFERENCE_IN_PAGE.test(page.html)) throw new Error(`${pagePath} answered ${page.status} without a report`);
    log(`  ${sort}: ${pagePath}`);
    const spec = { url: server.url, connections: INBOX_CONNECTIONS, path: pagePath, headers: { cookie: staff.cookieHeader() }, successStatus: 200 };
    results[sort] = (await warmThenMeasure(spec, INBOX_SECONDS)).measured;
  }
  return results;
}

async function measureInbox(server: ChildServer, staff: Browser, seed: SeedResult): Promise<Record<InboxView, LoadResult>> {
  const views: [InboxView, string, string][] = [
    ['inbox', '/staff/reports', seed.firstReference.inbox],
    ['search', `/staff/reports?q=${encodeURIComponent(SEARCH_WORD)}&state=all`, seed.firstReference.search],
    ['deep', `/staff/reports?state=all&after=${seed.deepCursor}`, seed.firstReference.deep],
  ];
  const results = {} as Record<InboxView, LoadResult>;
  for (const [view, pagePath, expectedFirst] of views) {
    // A fast empty or error page would make a great number; check the page shows the rows it should.
    const page = await staff.get(pagePath);
    const shown = REFERENCE_IN_PAGE.exec(page.html)?.[0];
    if (page.status !== 200 || shown !== expectedFirst) {
      throw new Error(`${pagePath} answered ${page.status} starting at ${shown ?? 'no report'}; expected 200 starting at ${expectedFirst}`);
    }
    log(`  ${view}: ${pagePath}`);
    const spec = { url: server.url, connections: INBOX_CONNECTIONS, path: pagePath, headers: { cookie: staff.cookieHeader() }, successStatus: 200 };
    results[view] = (await warmThenMeasure(spec, INBOX_SECONDS)).measured;
  }
  return results;
}

async function measureSubmissions(server: ChildServer, config: Config): Promise<{ result: LoadResult; submitted: number; cpuMs: number | undefined }> {
  const reporter = new Browser(server.url);
  const form = await reporter.get('/report');
  if (form.status !== 200) throw new Error(`GET /report answered ${form.status}`);
  const { body, contentType } = await multipartBody({
    _csrf: hiddenField(form.html, '_csrf'),
    policyVersion: hiddenField(form.html, 'policyVersion'),
    title: 'Stored XSS in the user list',
    product: config.programs[0]!.products[0]?.id ?? 'other',
    productVersion: '4.2.1',
    vulnerabilityType: 'xss',
    description: 'The display name is rendered without escaping in the admin user list.',
    stepsToReproduce: '1. Set the display name to <script>alert(1)</script>\n2. Open /admin/users as an administrator.',
    impact: 'Session theft of administrators.',
    cvssVector: '',
    reporterName: '',
    reporterHandle: '',
    reporterEmail: '',
    creditPreference: 'anonymous',
    acceptPolicy: 'yes',
  });
  const headers = { cookie: reporter.cookieHeader(), 'content-type': contentType };

  // One submission by hand first: a rejected form fails here with its status, not as 16 × 10 s of 4xx.
  const probe = await fetch(`${server.url}/report`, { method: 'POST', headers: { ...headers, 'x-forwarded-for': '192.0.2.1' }, body: new Uint8Array(body), redirect: 'manual' });
  const probeText = await probe.text();
  if (probe.status !== 303) throw new Error(`a single submission answered ${probe.status} instead of 303: ${probeText.replace(/\s+/g, ' ').slice(0, 300)}`);

  const spec: Omit<LoadSpec, 'seconds'> = {
    url: server.url,
    connections: CONNECTIONS,
    method: 'POST',
    path: '/report',
    headers,
    body,
    perRequestHeaders: ((next) => () => ({ 'x-forwarded-for': next() }))(addressSequence()),
    successStatus: 303,
  };
  const warmup = await runLoad({ ...spec, seconds: WARMUP_SECONDS });
  const cpuBefore = await cpuSeconds(server.pid);
  const measured = await runLoad({ ...spec, seconds: SUBMIT_SECONDS });
  const cpuAfter = await cpuSeconds(server.pid);
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined && measured.successes ? ((cpuAfter - cpuBefore) * 1000) / measured.successes : undefined;
  return { result: measured, submitted: 1 + warmup.successes + measured.successes, cpuMs };
}

/** Waits until the process used less than IDLE_CPU_SHARE of a core for IDLE_SECONDS, then one more compaction interval; returns the seconds waited. */
async function waitUntilIdle(pid: number): Promise<number> {
  const began = performance.now();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let quietSince = performance.now();
  let cpu = await cpuSeconds(pid);
  while (performance.now() - began < SETTLE_LIMIT_SECONDS * 1000) {
    await sleep(1000);
    const now = await cpuSeconds(pid);
    if (now === undefined || cpu === undefined) break;
    if (now - cpu > IDLE_CPU_SHARE) quietSince = performance.now();
    cpu = now;
    if (performance.now() - quietSince >= IDLE_SECONDS * 1000) break;
  }
  await sleep(6_000);
  return (performance.now() - began) / 1000;
}

async function countReports(config: Config): Promise<number> {
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    const row = await sql<{ n: string }>`SELECT count(*) AS n FROM reports`.execute(database.db);
    return Number(row.rows[0]?.n);
  } finally {
    await database.close();
  }
}

async function benchDatabase(label: string, prepare: () => Promise<Record<string, string>>): Promise<DatabaseResult> {
  const out: DatabaseResult = { label, loadAverage: os.loadavg()[0]! };
  try {
    await phase(async () => {
      const port = await freePort();
      const env = cleanEnv({
        EMBARGO_DATA_DIR: await tempDataDir(),
        // Throwaway keys for a throwaway database; also keeps the server from warning that it is unset.
        EMBARGO_SECRET: randomBytes(32).toString('base64'),
        ...(await prepare()),
        PORT: String(port),
        HOST: '127.0.0.1',
        EMBARGO_BASE_URL: `http://127.0.0.1:${port}`,
        EMBARGO_LOG_LEVEL: 'warn',
        // Lets the bench present many client addresses through X-Forwarded-For.
        EMBARGO_TRUST_PROXY: 'true',
      });
      // The same environment the server gets, so the seed uses its programs and database.
      const config = loadConfig(env, repoRoot);
      if (config.database.kind === 'embedded') {
        // First start: an empty data directory, so the database is created (initdb for the embedded PostgreSQL).
        await phase(async () => {
          const firstEnv = { ...env, EMBARGO_DATA_DIR: await tempDataDir() };
          const spawned = performance.now();
          const first = await startNodeServer(`embargo/${label}/first-start`, [...NODE_FLAGS, 'dist/cli.js', 'serve'], firstEnv, port, '/healthz');
          out.firstStartSeconds = (performance.now() - spawned) / 1000;
          await first.stop();
        });
      }
      log(`${label}: seeding ${REPORTS.toLocaleString('en')} reports`);
      const seed = (out.seed = await seedDatabase(config, REPORTS));
      log(`${label}: seeded in ${seed.seconds.toFixed(1)} s; starting the server`);
      if (OPTIONS.explain) {
        log(`${label}: EXPLAIN (ANALYZE, BUFFERS) of the inbox views`);
        out.plans = await explainInboxViews(config, seed);
      }

      let submitted = 0;
      await phase(async () => {
        // The compiled server, as production runs it (built at the start of the bench).
        const spawned = performance.now();
        // EMBARGO_BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops (open in Chrome DevTools).
        const profile = process.env.EMBARGO_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.EMBARGO_BENCH_CPU_PROF)}`] : [];
        const server = await startNodeServer(`embargo/${label}`, [...profile, ...NODE_FLAGS, 'dist/cli.js', 'serve'], env, port, '/healthz');
        cleanups.add(`stop ${server.name}`, server.stop);
        const start = (out.start = { seconds: (performance.now() - spawned) / 1000, rssAfterStart: await rssMb(server.pid), rssAfterBench: undefined as number | undefined, rssSettled: undefined as number | undefined, settledAfterSeconds: undefined as number | undefined });
        const tree: NonNullable<DatabaseResult['tree']> = (out.tree = { afterStart: await treeMemoryMb(server.pid) });
        log(`${label}: staff inbox, ${INBOX_CONNECTIONS} connection, ${INBOX_SECONDS} s per view`);
        const staff = await signIn(server);
        out.inbox = await measureInbox(server, staff, seed);
        out.sorts = await measureSorts(server, staff);
        log(`${label}: web form submissions, ${CONNECTIONS} connections, ${SUBMIT_SECONDS} s`);
        const submissions = await measureSubmissions(server, config);
        out.submit = submissions.result;
        out.cpuPerSubmitMs = submissions.cpuMs;
        submitted = submissions.submitted;
        start.rssAfterBench = await rssMb(server.pid);
        tree.afterBench = await treeMemoryMb(server.pid);
        // autocannon drops requests still in flight when its time is up; let the server finish
        // them before it is stopped, so shutdown does not cut them off mid-transaction. Then what
        // an idle server keeps: V8 gives heap back after a while without allocation.
        start.settledAfterSeconds = await waitUntilIdle(server.pid);
        start.rssSettled = await rssMb(server.pid);
      });
      // After the server stopped: the embedded database can only be opened by one process.
      out.stored = { actual: (await countReports(config)) - REPORTS, counted: submitted };
    });
  } catch (err) {
    out.error = (err as Error).message;
    log(`${label}: FAILED: ${out.error}`);
  }
  return out;
}

async function benchHelloWorld(): Promise<LoadResult> {
  return phase(async () => {
    const port = await freePort();
    const server = await startNodeServer('hello-world', ['--import', 'tsx', 'bench/hello-world.ts'], cleanEnv({ PORT: String(port) }), port, '/');
    cleanups.add(`stop ${server.name}`, server.stop);
    log(`hello-world: ${CONNECTIONS} connections, ${SUBMIT_SECONDS} s`);
    const spec = { url: server.url, connections: CONNECTIONS, path: '/', successStatus: 200 };
    return (await warmThenMeasure(spec, SUBMIT_SECONDS)).measured;
  });
}

async function postgresVersion(): Promise<string | undefined> {
  try {
    return (await pgAdmin<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version.split(' ')[0];
  } catch {
    return undefined;
  }
}

const ms = (v: number) => (Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const perSecond = (v: number) => Math.round(v).toLocaleString('en');

/** Checks a reader should see next to the numbers; any problem also fails the run. */
function problems(r: DatabaseResult): string[] {
  const found: string[] = [];
  if (r.error) return [`${r.label}: ${r.error}`];
  for (const [what, res] of [['submissions', r.submit], ['inbox', r.inbox?.inbox], ['search', r.inbox?.search], ['deep page', r.inbox?.deep]] as const) {
    if (res && res.unexpected > 0) found.push(`${r.label} ${what}: ${res.unexpected} responses were not successes (${JSON.stringify(res.statuses)})`);
  }
  for (const [sort, res] of Object.entries(r.sorts ?? {})) {
    if (res.unexpected > 0) found.push(`${r.label} inbox ${sort}: ${res.unexpected} responses were not successes (${JSON.stringify(res.statuses)})`);
  }
  // Requests still in flight when autocannon stops can commit without their 303 being counted.
  if (r.stored && (r.stored.actual < r.stored.counted || r.stored.actual > r.stored.counted + 2 * CONNECTIONS)) {
    found.push(`${r.label}: ${r.stored.actual} reports stored, but ${r.stored.counted} submissions answered 303`);
  }
  return found;
}

function report(results: DatabaseResult[], hello: LoadResult | undefined, pgVersion: string | undefined, loadBefore: number, pgb: PgbenchResult | undefined): string {
  const pgliteVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  const cpus = os.cpus();
  const lines = [
    '## Embargo benchmark',
    '',
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, PGlite ${pgliteVersion}, PostgreSQL ${pgVersion ?? 'n/a'}; ` +
      'servers, databases and load generator share the machine ' +
      // Anything else running skews the numbers; the load average before the bench shows whether something was.
      `(1-minute load average ${loadBefore.toFixed(2)} before the bench).`,
    `Submissions: POST /report (multipart, CSRF, one client address each), ${CONNECTIONS} connections for ${SUBMIT_SECONDS} s; only 303s count. ` +
      `Inbox: ${REPORTS.toLocaleString('en')} reports loaded, signed-in staff, ${INBOX_CONNECTIONS} connection for ${INBOX_SECONDS} s per view. ` +
      `Each run follows a ${WARMUP_SECONDS} s warm-up. Latencies in ms.`,
    '',
    '| database | submissions/s | submit p50 | submit p99 | submit failures | inbox p50 | inbox p99 | search p50 | search p99 | deep page p50 | deep page p99 |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    if (r.error || !r.submit || !r.inbox) {
      lines.push(`| ${r.label} | failed: ${(r.error ?? 'incomplete').replace(/\|/g, '\\|')} | | | | | | | | | |`);
      continue;
    }
    const { inbox, search, deep } = r.inbox;
    lines.push(
      `| ${r.label} | ${perSecond(r.submit.rate)} | ${ms(r.submit.p50)} | ${ms(r.submit.p99)} | ${r.submit.failures} | ` +
        `${ms(inbox.p50)} | ${ms(inbox.p99)} | ${ms(search.p50)} | ${ms(search.p99)} | ${ms(deep.p50)} | ${ms(deep.p99)} |`,
    );
  }
  for (const r of results) {
    const sorts = Object.entries(r.sorts ?? {});
    if (sorts.length) lines.push('', `${r.label}, more inbox views (first page): ${sorts.map(([sort, v]) => `${sort} p50 ${ms(v.p50)} / p99 ${ms(v.p99)} ms (${v.successes} samples)`).join('; ')}.`);
  }
  lines.push('');
  lines.push(
    hello
      ? `Ceiling, bare Fastify hello-world (GET /, same ${CONNECTIONS} connections, ${SUBMIT_SECONDS} s): ${perSecond(hello.rate)} req/s, p50 ${ms(hello.p50)} ms, p99 ${ms(hello.p99)} ms, ${hello.failures} failures.`
      : 'Ceiling, bare Fastify hello-world: failed to run.',
  );
  const onPostgres = results.find((r) => r.label.startsWith('PostgreSQL') && r.submit);
  lines.push(
    pgb
      ? `Database ceiling, pgbench on the same PostgreSQL: a submission-shaped transaction (report with a 2 KB payload, event, job; ${CONNECTIONS} clients, ${SUBMIT_SECONDS} s): ${perSecond(pgb.tps)} tps, latency ${ms(pgb.latencyMs)} ms` +
          (onPostgres?.submit ? `; Embargo's submissions on PostgreSQL reach ${((100 * onPostgres.submit.rate) / pgb.tps).toFixed(1)} % of it.` : '.')
      : 'Database ceiling, pgbench: not run (PostgreSQL or pgbench missing).',
  );
  for (const r of results) {
    if (r.cpuPerSubmitMs !== undefined) lines.push(`- ${r.label}: the server process used ${r.cpuPerSubmitMs.toFixed(2)} ms of CPU per submission (user + system, over the measured ${SUBMIT_SECONDS} s).`);
    if (r.start) lines.push(`- ${r.label}: start to /healthz ${r.start.seconds.toFixed(1)} s (warm data, compiled server)${r.firstStartSeconds !== undefined ? `, ${r.firstStartSeconds.toFixed(1)} s on an empty data directory (first start)` : ''}; RSS ${r.start.rssAfterStart ?? '?'} MB after start, ${r.start.rssAfterBench ?? '?'} MB after the load, ${r.start.rssSettled ?? '?'} MB once idle (${r.start.settledAfterSeconds?.toFixed(0) ?? '?'} s after the load).`);
    const tree = r.tree;
    if (tree?.afterStart && tree.afterStart.processes > 1) {
      const t = (m: Awaited<ReturnType<typeof treeMemoryMb>>) => (m ? `PSS ${m.pss} MB (RSS summed ${m.rss} MB, ${m.processes} processes)` : '?');
      lines.push(`- ${r.label}: Embargo with its database server, all processes: ${t(tree.afterStart)} after start, ${t(tree.afterBench)} after the load.`);
    }
  }
  lines.push('');
  lines.push(`Views: inbox = open reports, newest first; search = "?q=${SEARCH_WORD}&state=all" (matches about a fifth of the reports); ` + `deep page = all reports from row ${(DEEP_OFFSET + 1).toLocaleString('en')} on, by keyset cursor.`);
  for (const r of results) {
    if (!r.seed || !r.submit || !r.inbox || !r.stored) continue;
    const samples = Object.values(r.inbox).map((v) => v.successes).join('/');
    lines.push(
      `- ${r.label}: load average ${r.loadAverage.toFixed(2)} at its start; seeded in ${r.seed.seconds.toFixed(1)} s (${r.seed.openReports.toLocaleString('en')} open); ` +
        `${r.submit.successes.toLocaleString('en')} submissions measured, ${r.stored.counted.toLocaleString('en')} answered 303 in all and ` +
        `${r.stored.actual.toLocaleString('en')} stored; inbox/search/deep samples ${samples}; statuses ${JSON.stringify(r.submit.statuses)}.`,
    );
  }
  for (const r of results) if (r.plans) lines.push('', `### Query plans, ${r.label}, ${REPORTS.toLocaleString('en')} reports`, '', r.plans);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const started = performance.now();
  // The servers measured are the compiled ones production runs.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const loadBefore = os.loadavg()[0]!;
  const hello = await benchHelloWorld().catch((err: Error) => {
    log(`hello-world: FAILED: ${err.message}`);
    return undefined;
  });
  // The embedded database needs nothing beyond the data directory every run gets. It is the PostgreSQL
  // server Embargo runs itself; EMBARGO_BENCH_EMBEDDED_ENGINE=pglite measures the in-process PGlite instead.
  const results: DatabaseResult[] = [];
  // EMBARGO_BENCH_EMBEDDED_ENGINE=pglite-fsync measures design (a) of issue 16, PGlite patched to fsync (bench/pglite-fsync.mjs).
  const engine = process.env.EMBARGO_BENCH_EMBEDDED_ENGINE ?? 'postgres';
  const engines: Record<string, [string, Record<string, string>]> = {
    postgres: ['embedded PostgreSQL (default)', {}],
    pglite: ['PGlite (embedded, no fsync)', { EMBARGO_EMBEDDED_ENGINE: 'pglite' }],
    'pglite-fsync': ['PGlite patched to fsync (design (a))', { EMBARGO_EMBEDDED_ENGINE: 'pglite', NODE_OPTIONS: `--import ${path.join(repoRoot, 'bench/pglite-fsync.mjs')}` }],
  };
  const chosen = engines[engine];
  if (!chosen) throw new Error(`EMBARGO_BENCH_EMBEDDED_ENGINE must be one of ${Object.keys(engines).join(', ')}`);
  if (OPTIONS.only !== 'postgres') results.push(await benchDatabase(chosen[0], async () => chosen[1]));
  const pgVersion = OPTIONS.only === 'embedded' ? undefined : await postgresVersion();
  if (OPTIONS.only === 'embedded') {
    /* PostgreSQL left out on request */
  } else if (pgVersion) results.push(await benchDatabase(`PostgreSQL ${pgVersion}`, throwawayPostgres));
  else results.push({ label: 'PostgreSQL', loadAverage: os.loadavg()[0]!, error: `not reachable at ${PG_ADMIN_URL} (set EMBARGO_BENCH_DATABASE_URL)` });

  const pgb = pgVersion
    ? await phase(async () => {
        log(`pgbench: a submission-shaped transaction, ${CONNECTIONS} clients, ${SUBMIT_SECONDS} s`);
        return pgbenchSubmissionShape((await throwawayPostgres()).DATABASE_URL!, CONNECTIONS, SUBMIT_SECONDS);
      }).catch((err: Error) => {
        log(`pgbench: FAILED: ${err.message}`);
        return undefined;
      })
    : undefined;
  process.stdout.write(`\n${report(results, hello, pgVersion, loadBefore, pgb)}\n`);
  const found = results.flatMap(problems);
  if (!hello || hello.unexpected > 0) found.push('hello-world: did not run cleanly');
  if (found.length) process.stdout.write(`\nPROBLEMS:\n${found.map((p) => `- ${p}`).join('\n')}\n`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return found.length ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanups.unwind().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    log(`bench failed: ${(err as Error).stack ?? String(err)}`);
    await cleanups.unwind();
    process.exit(1);
  },
);

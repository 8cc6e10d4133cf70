/**
 * `npm run bench:uploads`: memory of the web server while anonymous clients
 * send it the largest multipart requests it refuses (issue 9, item 3).
 *
 * One `embargo serve` child on the embedded database with the default upload
 * limits. For each scenario, CONCURRENT clients at once each stream a body of
 * 100 fields of 256 KB and 20 files of 10 MB (about 225 MB) that the server
 * must refuse: a wrong CSRF token, no token, a reply to an unknown tracking
 * link, a client over the submission rate limit, and a declared length past
 * any valid form. The server's resident memory is sampled from /proc and its
 * peak (VmHWM, reset before each scenario) compared with its size when idle.
 * Target: under TARGET_MIB above idle. Results go to stdout as markdown,
 * progress to stderr; the exit code is 1 when a scenario misses the target.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Browser, hiddenField } from './browser.ts';
import { cleanEnv, freePort, startNodeServer, type ChildServer } from './processes.ts';

const CONCURRENT = 10;
const TARGET_MIB = 100;
const FIELDS = 100;
const FIELD_BYTES = 256 * 1024;
const FILES = 20;
const FILE_BYTES = 10 * 1024 * 1024;
const BOUNDARY = 'bench-boundary-q9PzW4kLx';
const MiB = 1024 * 1024;

const log = (message: string) => process.stderr.write(`» ${message}\n`);

interface Scenario {
  name: string;
  path: string;
  /** Fields sent before everything else, e.g. the CSRF token. */
  first: [string, string][];
  headers: Record<string, string>;
  /** Send Content-Length (the true one) instead of chunked encoding. */
  declareLength?: boolean;
  /** Fields of FIELD_BYTES after `first` (default FIELDS). */
  fields?: number;
  /** Shown, but not held to the target: what any client can make the server hold. */
  informational?: string;
}

interface Outcome {
  statuses: Map<string, number>;
  /** Bytes the clients got onto the wire, in total. */
  sent: number;
  seconds: number;
  idleMiB: number;
  peakMiB: number;
}

/** The parts of one maximal body, produced lazily so the bench never holds it. */
function* bodyChunks(first: [string, string][], fields = FIELDS): Generator<Buffer> {
  const part = (name: string, filename?: string) =>
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: application/octet-stream` : ''}\r\n\r\n`,
    );
  const crlf = Buffer.from('\r\n');
  for (const [name, value] of first) yield Buffer.concat([part(name), Buffer.from(value), crlf]);
  const fieldValue = Buffer.alloc(FIELD_BYTES, 0x61);
  for (let i = 0; i < fields; i++) yield Buffer.concat([part(`field${i}`), fieldValue, crlf]);
  const block = Buffer.alloc(64 * 1024, 0x42);
  for (let f = 0; f < FILES; f++) {
    yield part('attachments', `file-${f}.bin`);
    for (let sent = 0; sent < FILE_BYTES; sent += block.length) yield block;
    yield crlf;
  }
  yield Buffer.from(`--${BOUNDARY}--\r\n`);
}

function bodyLength(first: [string, string][], fields = FIELDS): number {
  let n = 0;
  for (const chunk of bodyChunks(first, fields)) n += chunk.length;
  return n;
}

/** Streams one body, minding backpressure; resolves with the status (or how the connection ended) and bytes written. */
function sendOne(server: ChildServer, s: Scenario): Promise<{ status: string; sent: number }> {
  return new Promise((resolve) => {
    const url = new URL(server.url + s.path);
    const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...s.headers };
    if (s.declareLength) headers['content-length'] = String(bodyLength(s.first, s.fields));
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent: false });
    let status = 'no answer';
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, sent });
    };
    // An attacker keeps sending after the answer: the body goes on until it ends or the server cuts the connection.
    req.on('response', (res) => {
      status = String(res.statusCode);
      res.resume();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (status === 'no answer') status = err.code ?? err.message;
      finish();
    });
    req.on('close', finish);
    req.on('finish', () => setTimeout(() => req.destroy(), 5000)); // the whole body went out: wait for the answer, not forever
    const chunks = bodyChunks(s.first, s.fields);
    const write = () => {
      for (;;) {
        if (done || req.destroyed) return;
        const next = chunks.next();
        if (next.done) return void req.end();
        sent += next.value.length;
        if (!req.write(next.value)) return void req.once('drain', write);
      }
    };
    write();
  });
}

function kib(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for process ${pid}`);
  return Number(m[1]);
}

async function runScenario(server: ChildServer, s: Scenario): Promise<Outcome> {
  await new Promise((r) => setTimeout(r, 1000)); // let the previous scenario's buffers go
  const idle = kib(server.pid, 'VmRSS');
  // Writing 5 resets the peak (VmHWM) to the current size, so the peak read afterwards is this scenario's.
  writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
  let sampledPeak = idle;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, kib(server.pid, 'VmRSS'))), 20);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: CONCURRENT }, () => sendOne(server, s)));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const peak = Math.max(sampledPeak, kib(server.pid, 'VmHWM'));
  const statuses = new Map<string, number>();
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  return { statuses, sent: results.reduce((n, r) => n + r.sent, 0), seconds, idleMiB: idle / 1024, peakMiB: peak / 1024 };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'embargo-bench-uploads-'));
  const port = await freePort();
  const env = cleanEnv({
    EMBARGO_DATA_DIR: dataDir,
    EMBARGO_SECRET: randomBytes(32).toString('base64'),
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBARGO_BASE_URL: `http://127.0.0.1:${port}`,
    EMBARGO_LOG_LEVEL: 'warn',
    EMBARGO_WORKER: 'false',
    // The rate-limit scenario presents its own client address.
    EMBARGO_TRUST_PROXY: 'true',
  });
  log('starting embargo serve (embedded database)');
  const server = await startNodeServer('embargo', ['--import', 'tsx', 'src/cli.ts', 'serve'], env, port, '/healthz');
  try {
    const browser = new Browser(server.url);
    const page = await browser.get('/report');
    const csrf = hiddenField(page.html, '_csrf');
    const cookie = browser.cookieHeader();
    // Warm up: the pages and a refused form, so code loaded on first use is not counted as the attack's.
    for (let i = 0; i < 20; i++) await browser.get('/report');
    await browser.postForm('/report', { _csrf: csrf });

    // Each scenario comes from its own address, so one scenario's refusals do not count against the next one's rate limit.
    const address = (i: number) => `198.51.100.${i + 1}`;
    const limited = '203.0.113.9';
    log(`using up the submission rate limit of ${limited}`);
    for (let i = 0; i < 31; i++) {
      const res = await fetch(server.url + '/report', {
        method: 'POST',
        headers: { cookie, 'x-forwarded-for': limited, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${BOUNDARY}--\r\n`,
      });
      await res.arrayBuffer();
    }

    const scenarios: Scenario[] = [
      { name: 'wrong CSRF token', path: '/report', first: [['_csrf', 'not-the-token']], headers: { cookie, 'x-forwarded-for': address(0) } },
      { name: 'no CSRF token', path: '/report', first: [], headers: { cookie, 'x-forwarded-for': address(1) } },
      { name: 'unknown tracking link', path: `/track/${randomBytes(32).toString('base64url')}/reply`, first: [['_csrf', csrf]], headers: { cookie, 'x-forwarded-for': address(2) } },
      { name: 'over the rate limit', path: '/report', first: [['_csrf', csrf]], headers: { cookie, 'x-forwarded-for': limited } },
      { name: 'declared length past any valid form', path: '/report', first: [['_csrf', csrf]], headers: { cookie, 'x-forwarded-for': address(3) }, declareLength: true },
      {
        name: 'valid token, 20 files of 10 MiB (no big fields)',
        path: '/report',
        first: [['_csrf', csrf]],
        headers: { cookie, 'x-forwarded-for': address(4) },
        fields: 0,
        informational: 'not refused before reading: a token is free (GET /report), and files up to the limits are read like a real report’s',
      },
    ];
    const rows: string[] = [];
    let missed = 0;
    for (const s of scenarios) {
      log(`${s.name}: ${CONCURRENT} concurrent requests of ${(bodyLength(s.first, s.fields) / MiB).toFixed(0)} MiB`);
      const o = await runScenario(server, s);
      const above = o.peakMiB - o.idleMiB;
      if (above >= TARGET_MIB && !s.informational) missed++;
      const statuses = [...o.statuses].map(([k, n]) => `${n}× ${k}`).join(', ');
      rows.push(
        `| ${s.name} | ${statuses} | ${(o.sent / MiB).toFixed(0)} | ${o.seconds.toFixed(1)} | ${o.idleMiB.toFixed(0)} | ${o.peakMiB.toFixed(0)} | **${above.toFixed(0)}** | ${s.informational ? `(informational: ${s.informational})` : above < TARGET_MIB ? 'ok' : 'MISSED'} |`,
      );
    }
    process.stdout.write(
      [
        `## Refused multipart uploads: server memory (${CONCURRENT} concurrent clients, ${FIELDS} fields of ${FIELD_BYTES / 1024} KiB and ${FILES} files of ${FILE_BYTES / MiB} MiB each)`,
        '',
        `Target: peak under ${TARGET_MIB} MiB above idle. Load average at the start: ${os.loadavg()[0]!.toFixed(2)}.`,
        '',
        '| Scenario | Answers | MiB the clients got sent | Seconds | Idle RSS (MiB) | Peak RSS (MiB) | Peak above idle (MiB) | Target |',
        '|---|---|---|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
    if (missed > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();

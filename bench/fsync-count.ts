// `npm run bench:fsync`: the strace evidence of issue 16 (docs/embedded-database.md), reproducible.
// Starts the compiled `embargo serve` under `strace -f` on each embedded engine, submits the report
// form N times (GET, then the multipart POST, each answered 303 only once stored), and counts the
// system calls that put data on disk: all of them, and those on the write-ahead log.
//
//   npm run bench:fsync -- [--submissions N]      (default 45)
//
// Engines: the embedded PostgreSQL (the default), PGlite as shipped (EMBARGO_EMBEDDED_ENGINE=pglite),
// and PGlite patched to fsync (design (a), bench/pglite-fsync.mjs).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startEmbargo } from '../test/helpers/embargo-process.ts';
import { readStrace, straceOptions, SYNC_CALLS } from '../test/helpers/strace.ts';
import { submitOnce } from '../test/resilience/submission-load.ts';

const { values } = parseArgs({ options: { submissions: { type: 'string', default: '45' } } });
const N = Number(values.submissions);
if (!Number.isInteger(N) || N < 1) throw new Error('--submissions: a whole number of at least 1');

const engines: [string, Record<string, string>][] = [
  ['embedded PostgreSQL (default)', {}],
  ['PGlite (EMBARGO_EMBEDDED_ENGINE=pglite)', { EMBARGO_EMBEDDED_ENGINE: 'pglite' }],
  ['PGlite patched to fsync (design (a))', { EMBARGO_EMBEDDED_ENGINE: 'pglite', NODE_OPTIONS: `--import ${path.join(repoRoot, 'bench/pglite-fsync.mjs')}` }],
];

const rows: string[] = [];
for (const [label, engineEnv] of engines) {
  // Each submission comes from its own address (X-Forwarded-For), as the rate limits expect of real reporters.
  const env = { ...engineEnv, EMBARGO_TRUST_PROXY: 'true' };
  const first = await startEmbargo({ env, startTimeoutMs: 120_000 }); // creates the database, untraced
  await first.stop();
  const log = path.join(first.tempDir, 'strace.log');
  const proc = await startEmbargo({ tempDir: first.tempDir, env, startTimeoutMs: 120_000, wrap: ['strace', ...straceOptions(log, SYNC_CALLS)] });
  try {
    const before = readStrace(log).length; // start-up's own syncs
    const started = performance.now();
    let stored = 0;
    for (let i = 0; i < N; i++) if ((await submitOnce(proc.baseUrl)).post?.status === 303) stored++;
    const ms = (performance.now() - started) / N;
    await new Promise((r) => setTimeout(r, 500)); // the last answers' calls reach the log
    const calls = readStrace(log).slice(before).filter((c) => c.result !== -1);
    const counts = new Map<string, number>();
    for (const c of calls) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    const byName = [...counts].map(([n, k]) => `${k} ${n}`).join(', ') || 'none';
    const wal = calls.filter((c) => /\/pg_wal\//.test(c.fdPath ?? '')).length;
    rows.push(`| ${label} | ${stored} of ${N} | ${calls.length} (${byName}) | ${wal} | ${(wal / Math.max(1, stored)).toFixed(1)} | ${ms.toFixed(0)} |`);
    console.error(`${label}: done`);
  } finally {
    await proc.stop();
    proc.removeFiles();
  }
}
console.log(`\nSync calls during ${N} form submissions (GET /report, then the POST), one at a time, strace -f on \`embargo serve\` and its children:\n`);
console.log('| engine | answered 303 | sync calls | of them on pg_wal/ | WAL syncs per submission | ms per submission |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const r of rows) console.log(r);

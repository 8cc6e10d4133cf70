#!/usr/bin/env node
// `npm test` after the build and type check: the real peers first (test/preflight.ts), then
// every test file. HTTP-level files run the app on PostgreSQL (test/helpers/http-app.ts), the
// code path of the embedded default and of an external PostgreSQL alike; database-level files
// loop over PGlite and PostgreSQL; process-level files run `embargo serve` on the embedded
// PostgreSQL. Files run in parallel (EMBARGO_TEST_CONCURRENCY, default 2: the 2-core machines CI
// runs on), the slowest first (times of the last full run in .test-times.json, else the checked-in
// test/file-times.json), so no long file starts last; each file is its own process with its own
// databases and ports.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs test/ops/*.ts   only these files
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const concurrency = process.env.EMBARGO_TEST_CONCURRENCY ?? '2';

function testFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) return testFiles(p);
    return /\.test\.tsx?$/.test(entry) ? [path.relative(root, p)] : [];
  });
}

/** Slowest first, by the last full run's times (files not timed yet keep their order, after the timed ones). */
function slowestFirst(files) {
  const local = path.join(root, '.test-times.json');
  const times = JSON.parse(readFileSync(existsSync(local) ? local : path.join(root, 'test/file-times.json'), 'utf8'));
  return [...files].sort((a, b) => (times[b] ?? 0) - (times[a] ?? 0));
}

function run(label, files, env = {}) {
  const started = Date.now();
  console.log(`\n== ${label}: ${files.length} files, ${concurrency} at a time`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/file-times-reporter.mjs', '--test-reporter-destination=stdout', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(`== ${label}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`);
  return r.status === 0;
}

// The processes the tests start (embargo serve, worker, the CLI) run the compiled dist/, as production
// does; build it first when a source is newer (nothing to do after `npm test`'s own build).
const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);

const preflight = spawnSync(process.execPath, ['--import', 'tsx', 'test/preflight.ts'], { cwd: root, stdio: 'inherit' });
if (preflight.status !== 0) process.exit(1);

// One migrated template per database kind for the whole run, shared by its test processes
// (test/helpers/pglite-template.ts, test/helpers/postgres-template.ts), removed at the end.
const templateDir = mkdtempSync(path.join(os.tmpdir(), 'embargo-test-template-'));
process.env.EMBARGO_TEST_TEMPLATE_DIR = templateDir;
const pgTemplate = `embargo_tpl_${randomBytes(6).toString('hex')}`;
process.env.EMBARGO_TEST_PG_TEMPLATE = pgTemplate;
const finish = (ok) => {
  rmSync(templateDir, { recursive: true, force: true });
  const dropped = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('./test/helpers/postgres-template.ts').then((m) => m.dropPostgresTemplate(${JSON.stringify(pgTemplate)})).catch(() => {})`], { cwd: root, stdio: 'inherit' });
  if (dropped.status !== 0) console.error(`could not drop the PostgreSQL template ${pgTemplate}`);
  process.exit(ok ? 0 : 1);
};

const given = process.argv.slice(2);
if (given.length) finish(run('tests', given));

const timesOut = path.join(templateDir, 'file-times.json');
const ok = run('all tests', slowestFirst(testFiles(path.join(root, 'test')).sort()), { EMBARGO_TEST_TIMES_OUT: timesOut });
if (existsSync(timesOut)) copyFileSync(timesOut, path.join(root, '.test-times.json'));
finish(ok);

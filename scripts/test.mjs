#!/usr/bin/env node
// `npm test` after the build and type check: the real peers first (test/preflight.ts), then
// every test file, then a second pass of the HTTP-level files that run on the app's default
// database, now on PostgreSQL (EMBARGO_TEST_APP_DATABASE=postgres), so every route is exercised
// on both databases. Files run in parallel (EMBARGO_TEST_CONCURRENCY, default 2: the 2-core
// machines CI runs on); each file is its own process with its own databases and ports.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs test/ops/*.ts   only these files (one pass, as given)
//   node scripts/test.mjs --list-postgres-pass   print the files of the second pass, run nothing
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runsOnDefaultApp } from './app-database-pass.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const concurrency = process.env.EMBARGO_TEST_CONCURRENCY ?? '2';

function testFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) return testFiles(p);
    return /\.test\.tsx?$/.test(entry) ? [path.relative(root, p)] : [];
  });
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

// Files whose app takes the default database (startTestApp() with no kind, undefined or
// defaultAppDatabase()); see scripts/app-database-pass.mjs. test/suite/app-database-pass.test.ts
// fails when an HTTP-level file is neither here nor running both databases itself.
const postgresPass = (all) => all.filter((f) => runsOnDefaultApp(readFileSync(path.join(root, f), 'utf8')));

if (process.argv[2] === '--list-postgres-pass') {
  console.log(postgresPass(testFiles(path.join(root, 'test')).sort()).join('\n'));
  process.exit(0);
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

const all = testFiles(path.join(root, 'test')).sort();
const onDefaultApp = postgresPass(all);
const first = run('all tests (HTTP-level on PGlite)', all);
const second = run('HTTP-level tests again, on PostgreSQL', onDefaultApp, { EMBARGO_TEST_APP_DATABASE: 'postgres' });
finish(first && second);

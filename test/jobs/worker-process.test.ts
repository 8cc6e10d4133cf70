import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { ReportVault } from '../../src/crypto/report-vault.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';
import { cleanEnv, embargoArgs, repoRoot } from '../helpers/embargo-process.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { waitFor } from './job-helpers.ts';
import { startSilentRelay } from './silent-relay.ts';

// `embargo worker` runs on PostgreSQL only.
if ((await databaseKinds()).includes('postgres')) {
  describe('SIGTERM on `embargo worker` (PostgreSQL) with mail in hand', () => {
    let pg: EmptyPostgres;
    let relay: Awaited<ReturnType<typeof startSilentRelay>>;
    let dir: string;
    before(async () => {
      pg = await emptyPostgres();
      relay = await startSilentRelay();
      dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-worker-'));
    });
    after(async () => {
      await relay?.close();
      await pg?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('finishes the mail in hand, leaves the rest queued, and exits 0 within seconds', async (t) => {
      const configFile = path.join(dir, 'embargo.config.json');
      writeFileSync(configFile, JSON.stringify({ programs: [demoProgram] }));
      const env = {
        DATABASE_URL: pg.url,
        EMBARGO_SECRET: randomBytes(32).toString('base64'),
        EMBARGO_CONFIG: configFile,
        EMBARGO_DATA_DIR: path.join(dir, 'data'),
        EMBARGO_BASE_URL: 'https://cvd.example.com',
        EMBARGO_SMTP_URL: relay.url,
        EMBARGO_SMTP_TIMEOUT_SECONDS: '2',
        EMBARGO_LOG_LEVEL: 'info',
      };
      const child = spawn(process.execPath, embargoArgs(['worker']), { cwd: repoRoot, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
      const kill = () => child.kill('SIGKILL');
      process.once('exit', kill);
      try {
        await waitFor('the worker running', () => out.includes('worker running'), 30_000);
        // Three reporter notifications, made with the worker's own secret so it can open them.
        const vault = new ReportVault(loadConfig(env).instanceSecret!);
        const staff = await makeStaff(pg.db, 'triager');
        for (const name of ['ann', 'ben', 'cat']) {
          const r = await makeReport(pg.db, { reporterEmail: `${name}@example.org` }, vault);
          await postStaffMessage(pg.db, vault, { reportId: r.id, actorId: staff.id, visibility: 'reporter', body: `A question for ${name}.`, files: [] });
        }
        await waitFor('the relay reached', () => relay.connections() >= 1, 20_000);
        const started = Date.now();
        child.kill('SIGTERM');
        const timer = setTimeout(kill, 20_000);
        const code = await exited;
        clearTimeout(timer);
        const took = Date.now() - started;
        t.diagnostic(`shut down in ${took} ms`);
        assert.equal(code, 0, out);
        assert.ok(took < 10_000, `shut down in ${took} ms`);
        const jobs = await pg.db.selectFrom('jobs').select(['state', 'attempts']).where('kind', '=', 'notify-reporter').orderBy('id').execute();
        assert.equal(jobs.length, 3);
        assert.ok(jobs.every((j) => j.state === 'pending'), 'nothing left claimed, nothing lost');
        assert.ok(jobs.filter((j) => j.attempts === 0).length >= 1, 'the backlog was left for the next worker');
      } finally {
        kill();
        process.off('exit', kill);
      }
    });
  });
}

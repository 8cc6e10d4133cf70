import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { freePort, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.ts';
import { startLoad, submitOnce, summary } from './submission-load.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one report by mail to the listener; resolves with the SMTP reply code. */
async function mailReport(port: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  try {
    const info = await transport.sendMail({
      from: 'Ada Researcher <ada@example.org>',
      to: 'security@example.com',
      subject: `Stored XSS in the admin user list ${randomBytes(4).toString('hex')}`,
      text: 'The display name is rendered without escaping in /admin/users.',
    });
    return Number(/^(\d{3})/.exec(info.response)?.[1]);
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    if (code) return code;
    throw err;
  } finally {
    transport.close();
  }
}

/** Waits until GET /healthz answers `status`; returns how long that took. */
async function waitForHealth(baseUrl: string, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    if (res?.status === status) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`/healthz did not answer ${status} within ${timeoutMs} ms (last: ${res?.status ?? 'no answer'})`);
    await sleep(100);
  }
}

describe('PostgreSQL connection loss under load (a real server process on a private PostgreSQL cluster)', () => {
  let cluster: PrivatePostgres | undefined;
  let server: EmbargoProcess | undefined;
  let smtpPort = 0;

  before(async () => {
    cluster = await startPrivatePostgres();
    await cluster.query('CREATE DATABASE embargo');
    smtpPort = await freePort();
    server = await startEmbargo({
      env: {
        DATABASE_URL: cluster.url('embargo'),
        EMBARGO_SECRET: randomBytes(32).toString('base64'),
        EMBARGO_TRUST_PROXY: 'true',
        EMBARGO_WORKER: 'true',
        EMBARGO_SMTP_LISTEN: `127.0.0.1:${smtpPort}`,
      },
      startTimeoutMs: 60_000,
    });
  });
  after(async () => {
    await server?.stop();
    server?.removeFiles();
    await cluster?.destroy();
  });

  it('survives terminated backends and a PostgreSQL restart: 503 with Retry-After and the typed form meanwhile, 451 to mail, serving again after, every 303 stored', async () => {
    const proc = server!;
    const pg = cluster!;
    const load = startLoad(proc.baseUrl, 4);
    try {
      await load.waitForStored(5, 60_000);

      // Backends killed under load: 57P01 to queries in flight and to clients checked out between queries.
      let terminated = 0;
      for (let i = 0; i < 5; i++) {
        terminated += await pg.terminateBackends('embargo');
        await sleep(150);
      }
      assert.ok(terminated > 0, 'the server had backends to terminate');
      await sleep(500);
      assert.equal(proc.child.exitCode, null, `the server exited after pg_terminate_backend:\n${proc.stderr().slice(-3000)}`);
      await load.waitForStored(5, 60_000);

      // PostgreSQL goes away for a while.
      await pg.stop('fast');
      const downAt = Date.now();
      await waitForHealth(proc.baseUrl, 503, 15_000);
      const down = await submitOnce(proc.baseUrl);
      assert.equal(down.form.status, 503, 'the form page answers 503 while the database is down');
      assert.ok(down.form.retryAfter, 'the 503 carries Retry-After');
      const api = await fetch(`${proc.baseUrl}/api/v1/reports`, { headers: { authorization: `Bearer emb_${'A'.repeat(43)}` } });
      assert.equal(api.status, 503, 'the API answers 503 while the database is down');
      assert.ok(api.headers.get('retry-after'));
      assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'database_unavailable');
      assert.equal(await mailReport(smtpPort), 451, 'the SMTP listener answers 451 so the sender retries');
      await sleep(Math.max(0, 3000 - (Date.now() - downAt)));
      await pg.start();

      const recoveredIn = await waitForHealth(proc.baseUrl, 200, 30_000);
      await load.waitForStored(5, 60_000);
      assert.equal(await mailReport(smtpPort), 250, 'the SMTP listener takes mail again');
      console.log(`# /healthz was 200 again ${recoveredIn} ms after PostgreSQL started`);
    } finally {
      await load.stop();
    }

    assert.equal(proc.child.exitCode, null, `the server exited:\n${proc.stderr().slice(-3000)}`);
    assert.doesNotMatch(proc.stderr(), /Unhandled 'error' event/);
    const logs = proc.logLines();
    assert.ok(logs.some((l) => l.level === 50 && /^database unavailable/.test(String(l.msg))), 'the outage is logged at error level');
    assert.ok(logs.some((l) => /^database available again/.test(String(l.msg))), 'the recovery is logged');
    assert.ok(load.posts.some((p) => p.status === 503), 'some submissions were refused with 503 meanwhile');
    console.log(`# answers to the form POST: ${JSON.stringify(summary(load.posts))}; form pages refused: ${JSON.stringify(summary(load.refusedForms))}; no answer: ${load.failures.length}`);
    const statuses = new Set([...load.posts, ...load.refusedForms].map((a) => a.status));
    assert.deepEqual([...statuses].filter((s) => s !== 303 && s !== 503 && s !== 200), [], 'every answer is a 303 or a 503, never a bare 500');
    assert.equal(load.failures.length, 0, `every request got an answer: ${load.failures.slice(0, 3).join(' | ')}`);
    for (const p of [...load.posts, ...load.refusedForms].filter((a) => a.status === 503)) {
      assert.ok(p.retryAfter, 'every 503 carries Retry-After');
      if (p.keptInput !== undefined) assert.ok(p.keptInput, 'a refused submission comes back with what the reporter typed');
    }

    // Every acknowledged report is stored: its tracking page opens, and the database holds at least that many.
    const acknowledged = load.posts.filter((p) => p.status === 303).map((p) => p.location!);
    for (const location of acknowledged) {
      const res = await fetch(`${proc.baseUrl}${location}`);
      assert.equal(res.status, 200, `the tracking page of an acknowledged report opens (${res.status})`);
    }
    const { rows } = await pg.query<{ n: string }>("SELECT count(*)::text AS n FROM reports WHERE channel = 'web'", 'embargo');
    assert.ok(Number(rows[0]!.n) >= acknowledged.length, `${rows[0]!.n} web reports stored for ${acknowledged.length} acknowledged`);
  });
});

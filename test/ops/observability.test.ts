import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/db/schema.ts';
import { checkReadiness } from '../../src/ops/readiness.ts';
import { startHeartbeat } from '../../src/ops/heartbeat.ts';
import { attachmentFor, submitThroughForm } from '../backup/backup-helpers.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { freePort, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { swaks } from '../mail/mail-helpers.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

/** The value of one sample in Prometheus' text format, e.g. sample(text, 'embargo_reports{channel="web"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const kinds = await databaseKinds();

describe('what operators watch', () => {
  describe('a running server: /readyz, metrics on their own listener, JSON logs', () => {
    let server: EmbargoProcess;
    let metricsUrl: string;
    let smtpPort: number;
    let trackingPath: string;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;

    before(async () => {
      const metricsPort = await freePort();
      smtpPort = await freePort();
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      sink = await startSmtpSink();
      sink.failNext(1); // the first mail to a reporter fails (451), the next one goes out
      server = await startEmbargo({
        env: { EMBARGO_METRICS_LISTEN: `127.0.0.1:${metricsPort}`, EMBARGO_SMTP_LISTEN: `127.0.0.1:${smtpPort}`, EMBARGO_TRUST_PROXY: 'true', EMBARGO_SMTP_URL: sink.url, EMBARGO_SMTP_TIMEOUT_SECONDS: '5' },
      });
      const submitted = await submitThroughForm(server.baseUrl, 1, attachmentFor(1));
      assert.equal(submitted.status, 303);
      trackingPath = new URL(submitted.location!, server.baseUrl).pathname;
      assert.equal((await fetch(`${server.baseUrl}${trackingPath}`)).status, 200);
      const mail = await swaks(['--server', `127.0.0.1:${smtpPort}`, '--to', 'security@example.com', '--from', 'ada@example.org', '--h-Subject', 'Metrics test', '--body', 'A report by mail.']);
      assert.equal(mail.code, 0, mail.out);
    });
    after(async () => {
      await server?.stop();
      server?.removeFiles();
      await sink?.close();
    });

    it('answers /readyz with the database, the schema and the worker all fine', async () => {
      const res = await fetch(`${server.baseUrl}/readyz`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.ready, true);
      assert.equal(body.database, 'ok');
      assert.equal(body.migrations, 'current');
      assert.equal(body.workers, 'ok');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('serves Prometheus metrics on the metrics listener only, by route pattern, never a tracking token', async () => {
      assert.equal((await fetch(`${server.baseUrl}/metrics`)).status, 404, 'not on the public port');
      const text = await (await fetch(metricsUrl)).text();
      assert.ok((sample(text, 'embargo_http_request_duration_seconds_count{method="POST",route="/report",status="303"}') ?? 0) >= 1, text.slice(0, 2000));
      assert.ok((sample(text, 'embargo_http_request_duration_seconds_count{method="GET",route="/track/:token",status="200"}') ?? 0) >= 1);
      assert.ok(!text.includes(trackingPath.split('/').pop()!), 'the tracking token never appears in metrics');
      assert.equal(sample(text, 'embargo_reports{channel="web"}'), 1);
      assert.equal(sample(text, 'embargo_smtp_sessions_total'), 1);
      assert.equal(sample(text, 'embargo_smtp_messages_total{outcome="stored"}'), 1);
      assert.match(text, /^embargo_jobs\{kind="[a-z-]+",state="(done|pending|running|failed)"\} \d+$/m);
      assert.ok((sample(text, 'embargo_worker_heartbeat_age_seconds') ?? 99) < 60);
      assert.match(text, /^embargo_process_resident_memory_bytes \d+/m);
    });

    it('counts outgoing mail by kind and result: the receipt the relay refused once, and the one it took', async () => {
      let text = '';
      const value = (series: string) => sample(text, series) ?? 0;
      for (let i = 0; i < 150; i++) {
        text = await (await fetch(metricsUrl)).text();
        if (value('embargo_mail_sent_total{kind="reporter",result="failed"}') >= 1 && value('embargo_mail_sent_total{kind="reporter",result="sent"}') >= 1) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(value('embargo_mail_sent_total{kind="reporter",result="failed"}'), 1, text.split('\n').filter((l) => l.includes('mail')).join('\n'));
      assert.ok(value('embargo_mail_sent_total{kind="reporter",result="sent"}') >= 1);
      assert.ok(sink.mails.length >= 1, 'the relay really has it');
      assert.equal(sample(text, 'embargo_mail_sent_total{kind="party",result="sent"}'), 0, 'kinds not sent yet are shown at 0');
    });

    it('logs JSON lines when stdout is not a terminal, and no per-request lines at info level', () => {
      const lines = server.stdout().split('\n').filter((l) => l.trim());
      assert.ok(lines.length > 0);
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
      assert.ok(!/incoming request|request completed/.test(server.stdout()), 'Fastify’s two lines per request are off');
    });
  });

  for (const kind of kinds) {
    describe(`readiness on ${kind}`, () => {
      let t: TestDatabase;
      before(async () => {
        t = await freshDatabase(kind);
      });
      after(async () => {
        await t?.close();
      });

      it('is not ready without a live worker, or with migrations pending or newer than the code', async () => {
        assert.deepEqual(await checkReadiness(t.db), { ready: false, database: 'ok', migrations: 'current', workers: 'none' });
        const beat = startHeartbeat(t.db, { warn: () => {} });
        for (let i = 0; i < 50 && (await checkReadiness(t.db)).workers !== 'ok'; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal((await checkReadiness(t.db)).ready, true);
        await sql`UPDATE worker_heartbeats SET seen_at = now() - interval '5 minutes'`.execute(t.db);
        const stale = await checkReadiness(t.db);
        assert.equal(stale.workers, 'stale');
        assert.equal(stale.ready, false);
        await beat.stop();
        assert.equal((await t.db.selectFrom('worker_heartbeats').selectAll().execute()).length, 0, 'a stopped worker takes its row away');
        await sql`INSERT INTO worker_heartbeats (worker_id) VALUES ('another-host:1:abc')`.execute(t.db);
        assert.equal((await checkReadiness(t.db)).ready, true, 'another live worker is enough');
        const last = await sql<{ name: string }>`SELECT name FROM embargo_migrations ORDER BY name DESC LIMIT 1`.execute(t.db);
        await sql`DELETE FROM embargo_migrations WHERE name = ${last.rows[0]!.name}`.execute(t.db);
        assert.equal((await checkReadiness(t.db)).migrations, 'pending');
        await sql`INSERT INTO embargo_migrations (name, timestamp) VALUES ('2099-01-01T0000-future', now()), (${last.rows[0]!.name}, now())`.execute(t.db);
        assert.equal((await checkReadiness(t.db)).migrations, 'newer-than-code');
      });
    });
  }

  it('is not ready, and says why within its timeout, when the database does not answer', async () => {
    const nowhere = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port: await freePort(), connectionTimeoutMillis: 500 }) }) });
    try {
      assert.deepEqual(await checkReadiness(nowhere, 1000), { ready: false, database: 'unreachable', migrations: 'unknown', workers: 'unknown' });
    } finally {
      await nowhere.destroy();
    }
  });
});

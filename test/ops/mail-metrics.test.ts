// What operators see of outgoing mail and of the queue, read from a real registry: every kind of
// mail counted sent / failed / rejected, failed jobs, the oldest due job's age, SLA breaches.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { countMail, MAIL_KINDS } from '../../src/mail/count-mail.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { slaJobHandlers } from '../../src/sla-reminders/sla-mail.ts';
import { scheduleSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { repoRoot } from '../helpers/embargo-process.ts';
import { demo, makeStaff, reportInput, testSecret, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

/** The value of one sample in Prometheus' text format. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e) ? [p] : [];
  });
}

describe('mail metrics', () => {
  it('every mail handed to the relay in src/ goes through countMail', () => {
    const uncounted: string[] = [];
    let calls = 0;
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!/mailer!?\??\.(send|sendRaw)\(/.test(line)) return;
          calls++;
          if (!line.includes('countMail(')) uncounted.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.ok(calls >= 5, `found ${calls} sends`);
    assert.deepEqual(uncounted, [], 'a send that the metric does not count');
  });

  it('counts sent, failed and rejected by kind, on a real relay, every kind shown from 0', async () => {
    const sink = await startSmtpSink();
    const metrics = createMetrics(undefined as never); // no database figures scraped here: only the counter is read
    const mailer = createMailer(sink.url, 'embargo@example.com', { timeoutSeconds: 5 })!;
    try {
      const raw = Buffer.from('From: embargo@example.com\r\nTo: a@example.org\r\nSubject: x\r\n\r\nBody\r\n');
      await countMail(metrics, 'subscriber', () => mailer.sendRaw({ from: 'embargo@example.com', to: 'a@example.org' }, raw));
      sink.failNext(1);
      await assert.rejects(countMail(metrics, 'party', () => mailer.send({ to: 'p@example.org', subject: 'x', text: 'y' })));
      sink.refuseNext(1);
      await assert.rejects(countMail(metrics, 'early-notice', () => mailer.sendRaw({ from: 'embargo@example.com', to: 'a@example.org' }, raw)));
      await countMail(metrics, 'staff', () => mailer.send({ to: 's@example.org', subject: 'x', text: 'y' }));
      const text = await metrics.mailSent.get();
      const value = (kind: string, result: string) => text.values.find((v) => v.labels.kind === kind && v.labels.result === result)?.value;
      assert.equal(value('subscriber', 'sent'), 1);
      assert.equal(value('party', 'failed'), 1);
      assert.equal(value('early-notice', 'rejected'), 1);
      assert.equal(value('staff', 'sent'), 1);
      for (const kind of MAIL_KINDS) for (const result of ['sent', 'failed', 'rejected']) assert.notEqual(value(kind, result), undefined, `${kind}/${result} is shown`);
      assert.equal(value('account', 'sent'), 0);
    } finally {
      mailer.close();
      await sink.close();
    }
  });
});

// Monday 2 November 2026, 10:00 in Amsterdam: long past every deadline a week later.
const RECEIVED = new Date('2026-11-02T09:00:00Z');
const WEEK_LATER = new Date('2026-11-09T11:00:00Z');

for (const kind of await databaseKinds()) {
  describe(`queue and SLA metrics from the database (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('shows failed jobs, the age of the oldest due job, and SLA breaches after a sweep', async () => {
      await sql`INSERT INTO jobs (kind, payload, state, attempts, last_error) VALUES ('notify-reporter', '{}', 'failed', 8, 'relay down')`.execute(t.db);
      await sql`INSERT INTO jobs (kind, payload, run_at) VALUES ('forget-unconfirmed-subscribers', '{}', now() - interval '90 seconds')`.execute(t.db);
      const program = await demo(t.db);
      const lead = await makeStaff(t.db, 'lead');
      const overdue = await submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web', now: RECEIVED });
      await assignReport(t.db, { reportId: overdue.id, assigneeId: lead.id, actorId: lead.id });
      const ctx: AppContext = { config: loadConfig({}), db: t.db, logger: pino({ level: 'silent' }), mailer: undefined, defaultProgramSlug: 'example', secret: testSecret, vault: testVault };

      let text = await createMetrics(t.db).registry.metrics();
      assert.equal(sample(text, 'embargo_jobs{kind="notify-reporter",state="failed"}'), 1);
      assert.ok((sample(text, 'embargo_job_oldest_pending_age_seconds{kind="forget-unconfirmed-subscribers"}') ?? 0) >= 89, text);
      assert.equal(text.split('\n').filter((l) => l.startsWith('embargo_sla_breaches{')).length, 0, 'no breach before a sweep');

      await scheduleSlaSweep(t.db, new Date(Date.now() - 1000));
      const worker = createWorker({ db: t.db, handlers: { ...createJobHandlers(ctx), ...slaJobHandlers(ctx, () => WEEK_LATER) }, logger: ctx.logger });
      await worker.drain();
      text = await createMetrics(t.db).registry.metrics();
      const breaches = text.split('\n').filter((l) => l.startsWith('embargo_sla_breaches{'));
      assert.ok(breaches.length >= 1, text);
      assert.ok(breaches.every((l) => Number(l.split(' ')[1]) >= 1), breaches.join('\n'));
    });
  });
}

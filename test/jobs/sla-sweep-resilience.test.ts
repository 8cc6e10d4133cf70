import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { loadProgram, syncPrograms } from '../../src/programs/programs.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { slaJobHandlers } from '../../src/sla-reminders/sla-mail.ts';
import { scheduleSlaSweep, SWEEP_INTERVAL_MS } from '../../src/sla-reminders/sla-sweep.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeStaff, reportInput, testSecret, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

// Monday 2 November 2026, 10:00 in Amsterdam; the first response is due Thursday 17:00, nearly due by Thursday noon.
const RECEIVED = new Date('2026-11-02T09:00:00Z');
const THURSDAY_NOON = new Date('2026-11-05T11:00:00Z');

for (const kind of await databaseKinds()) {
  describe(`the SLA sweep survives a failing report and always comes back (${kind})`, () => {
    let t: TestDatabase;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let ctx: AppContext;
    const logLines: string[] = [];
    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      const out = new Writable({
        write(chunk, _enc, cb) {
          logLines.push(String(chunk));
          cb();
        },
      });
      ctx = {
        config: loadConfig({}),
        db: t.db,
        logger: pino({ level: 'info' }, out),
        mailer: createMailer(sink.url, 'embargo@example.com'),
        defaultProgramSlug: 'example',
        secret: testSecret,
        vault: testVault,
      };
    });
    after(async () => {
      ctx.mailer?.close();
      await sink.close();
      await t.close();
    });

    it('one report whose program config is broken: logged with its stack, the others still get their reminders, the next sweep is queued', async () => {
      await syncPrograms(t.db, [demoProgram, { ...demoProgram, slug: 'broken', name: 'Broken', referencePrefix: 'BRK' }]);
      const good = (await loadProgram(t.db, { slug: 'example' }))!;
      const bad = (await loadProgram(t.db, { slug: 'broken' }))!;
      const lead = await makeStaff(t.db, 'lead');
      const triager = await makeStaff(t.db, 'triager');
      // The broken program's report first, so it would stop a sweep that does not isolate its items.
      const doomed = await submitReport(t.db, testVault, { program: bad, input: reportInput(bad), files: [], channel: 'web', now: RECEIVED });
      const fine = await submitReport(t.db, testVault, { program: good, input: reportInput(good), files: [], channel: 'web', now: RECEIVED });
      await assignReport(t.db, { reportId: doomed.id, assigneeId: triager.id, actorId: lead.id });
      await assignReport(t.db, { reportId: fine.id, assigneeId: triager.id, actorId: lead.id });
      // A hand-edited config the SLA code cannot read: computing this report's clocks throws.
      await t.db.updateTable('programs').set({ config: JSON.stringify({ ...(bad.config as object), sla: 'three days, roughly' }) }).where('id', '=', bad.id).execute();

      await scheduleSlaSweep(t.db, new Date(Date.now() - 1000));
      const clock = THURSDAY_NOON;
      const worker = createWorker({ db: t.db, handlers: { ...createJobHandlers(ctx), ...slaJobHandlers(ctx, () => clock) }, logger: ctx.logger });
      const ranAt = Date.now();
      await worker.drain();

      const mails = sink.mails.filter((x) => x.to.includes(triager.email));
      assert.ok(mails.some((x) => x.raw.includes(`[${fine.reference}]`) && /nearly due/.test(x.raw)), 'the healthy report got its reminder');
      assert.ok(!mails.some((x) => x.raw.includes(`[${doomed.reference}]`)));
      const failure = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; reportId?: string; err?: { stack?: string } }).find((l) => l.reportId === doomed.id);
      assert.ok(failure, 'the failing report is logged');
      assert.equal(failure.level, 50, 'at error level');
      assert.match(failure.err?.stack ?? '', /\n\s+at /, 'with its stack');

      const sweeps = await t.db.selectFrom('jobs').select(['state', 'run_at']).where('kind', '=', 'sla-sweep').orderBy('id').execute();
      assert.equal(sweeps.length, 2);
      assert.equal(sweeps[0]!.state, 'done', 'the sweep itself finished');
      assert.equal(sweeps[1]!.state, 'pending', 'and queued the next one');
      const wait = sweeps[1]!.run_at.getTime() - ranAt;
      assert.ok(wait > SWEEP_INTERVAL_MS - 60_000 && wait < SWEEP_INTERVAL_MS + 60_000, `next sweep in ${wait} ms`);
    });

    it('a sweep that cannot even start (its query fails) still queues the next one', async () => {
      await t.db.deleteFrom('jobs').execute();
      await scheduleSlaSweep(t.db, new Date(Date.now() - 1000));
      const handlers = slaJobHandlers({ ...ctx, db: t.db }, () => {
        throw new Error('clock source unavailable');
      });
      const worker = createWorker({ db: t.db, handlers: { ...createJobHandlers(ctx), ...handlers }, logger: ctx.logger });
      await worker.drain();
      const sweeps = await t.db.selectFrom('jobs').select(['state']).where('kind', '=', 'sla-sweep').orderBy('id').execute();
      assert.deepEqual(sweeps.map((s) => s.state), ['done', 'pending']);
      assert.ok(logLines.some((l) => l.includes('clock source unavailable') && l.includes('"level":50')));
    });

    it('with the handlers as production wires them, the queued next sweep really runs and queues the one after', async () => {
      await t.db.deleteFrom('jobs').execute();
      await scheduleSlaSweep(t.db, new Date(Date.now() - 1000));
      // createJobHandlers unchanged: the composite sweep (SLA, disclosure and CRA passes, team digests, housekeeping).
      const worker = createWorker({ db: t.db, handlers: createJobHandlers(ctx), logger: ctx.logger });
      await worker.drain();
      const sweeps = await t.db.selectFrom('jobs').select(['id', 'state']).where('kind', '=', 'sla-sweep').orderBy('id').execute();
      assert.deepEqual(sweeps.map((s) => s.state), ['done', 'pending']);
      // Fifteen minutes later, as far as the queue can tell.
      await t.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('id', '=', sweeps[1]!.id).execute();
      await worker.drain();
      const later = await t.db.selectFrom('jobs').select(['id', 'state', 'attempts']).where('kind', '=', 'sla-sweep').orderBy('id').execute();
      assert.deepEqual(later.map((s) => s.state), ['done', 'done', 'pending'], 'the second sweep ran and queued a third');
      assert.equal(later[1]!.attempts, 1, 'the second sweep succeeded at once');
    });
  });
}

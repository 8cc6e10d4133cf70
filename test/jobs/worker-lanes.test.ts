import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueueJob } from '../../src/jobs/queue.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff } from '../helpers/factories.ts';
import { mailContext, rawMail, type MailTestContext } from '../mail/mail-helpers.ts';
import { reporterMailJobs, waitFor } from './job-helpers.ts';
import { startSilentRelay } from './silent-relay.ts';

for (const kind of await databaseKinds()) {
  describe(`the worker: mail apart from intake, and a stop that leaves the backlog queued (${kind})`, () => {
    let t: TestDatabase;
    let relay: Awaited<ReturnType<typeof startSilentRelay>>;
    let m: MailTestContext;
    let worker: Worker | undefined;
    before(async () => {
      t = await freshDatabase(kind);
      relay = await startSilentRelay();
      m = await mailContext(t.db, { EMBARGO_SMTP_URL: relay.url, EMBARGO_SMTP_TIMEOUT_SECONDS: '2' });
    });
    after(async () => {
      await worker?.stop();
      m?.close();
      await relay?.close();
      await t?.close();
    });

    it('an incoming report is filed while notifications wait on a relay that never answers; both lanes progress', async (t0) => {
      const staff = await makeStaff(t.db, 'triager');
      const reports: { id: string }[] = [];
      for (const name of ['ann', 'ben', 'cat']) {
        const r = await makeReport(t.db, { reporterEmail: `${name}@example.org` }, m.ctx.vault);
        await postStaffMessage(t.db, m.ctx.vault, { reportId: r.id, actorId: staff.id, visibility: 'reporter', body: `A question for ${name}.`, files: [] });
        reports.push(r);
      }
      const programId = (await demo(t.db)).id;
      const raw = rawMail({ subject: 'SQL injection in Example Cloud search', body: 'The q parameter of /search is concatenated into SQL.' });
      const stored = await storeInboundMail(t.db, m.ctx.secret, { programId, raw, source: 'smtp', envelopeFrom: 'ada@example.org', envelopeTo: ['security@example.com'] });

      const notifications = async () => (await Promise.all(reports.map((r) => reporterMailJobs(t.db, r.id)))).flat();
      worker = createWorker({ db: t.db, handlers: createJobHandlers(m.ctx), logger: m.ctx.logger, pollMs: 20 });
      const startedAt = Date.now();
      worker.start();
      // Each notification holds the mail lane for its 2 s timeout: three of them are 6 s.
      await waitFor('the incoming mail filed as a report', async () => {
        const row = await t.db.selectFrom('inbound_mails').select('outcome').where('id', '=', stored.id).executeTakeFirstOrThrow();
        return row.outcome === 'new-report';
      }, 5_000);
      t0.diagnostic(`filed ${Date.now() - startedAt} ms after the worker started`);
      const tried = (await notifications()).filter((j) => j.attempts > 0 && j.state !== 'running').length;
      assert.ok(tried < 3, `filed only after ${tried} of the 3 notifications had been tried`);
      // The mail lane keeps going meanwhile: every notification is tried and left for a retry.
      await waitFor('every notification tried once', async () => (await notifications()).every((j) => j.state === 'pending' && j.attempts === 1), 20_000);
      await worker.stop();
      worker = undefined;
    });

    it('stop() finishes the job in hand and returns; the rest stay queued', async () => {
      await t.db.deleteFrom('jobs').execute();
      let started = 0;
      let finished = 0;
      const handlers = {
        ...createJobHandlers(m.ctx),
        async 'forget-unconfirmed-subscribers'() {
          started++;
          await new Promise((r) => setTimeout(r, 300));
          finished++;
        },
      };
      for (let i = 0; i < 4; i++) await enqueueJob(t.db, 'forget-unconfirmed-subscribers', {});
      worker = createWorker({ db: t.db, handlers, logger: m.ctx.logger, pollMs: 20 });
      worker.start();
      await waitFor('the first job started', () => started === 1);
      await worker.stop();
      worker = undefined;
      assert.equal(started, 1, 'no new job after stop()');
      assert.equal(finished, 1, 'the job in hand finished before stop() returned');
      const states = await t.db.selectFrom('jobs').select(['state', 'attempts']).orderBy('id').execute();
      assert.deepEqual(states, [{ state: 'done', attempts: 1 }, ...Array(3).fill({ state: 'pending', attempts: 0 })]);
    });

    it('stop() has a deadline: a job that never finishes is queued again and the next worker runs it', async () => {
      await t.db.deleteFrom('jobs').execute();
      let release: () => void = () => {};
      const stuck = new Promise<void>((r) => (release = r));
      let runs = 0;
      const hanging = {
        ...createJobHandlers(m.ctx),
        async 'forget-unconfirmed-subscribers'() {
          runs++;
          if (runs === 1) await stuck; // the first run hangs (a handler waiting on something that never answers)
        },
      };
      await enqueueJob(t.db, 'forget-unconfirmed-subscribers', {});
      worker = createWorker({ db: t.db, handlers: hanging, logger: m.ctx.logger, pollMs: 20 });
      worker.start();
      await waitFor('the job started', () => runs === 1);
      const started = Date.now();
      await worker.stop({ deadlineMs: 300 });
      worker = undefined;
      assert.ok(Date.now() - started < 5_000, `stop() returned after ${Date.now() - started} ms`);
      const handedBack = await t.db.selectFrom('jobs').select(['state', 'attempts', 'locked_by']).executeTakeFirstOrThrow();
      assert.deepEqual(handedBack, { state: 'pending', attempts: 1, locked_by: null }, 'queued again, not left claimed');

      // The stuck handler finishing late changes nothing: the job is no longer this run's.
      release();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await t.db.selectFrom('jobs').select('state').executeTakeFirstOrThrow()).state, 'pending');

      worker = createWorker({ db: t.db, handlers: hanging, logger: m.ctx.logger, pollMs: 20 });
      worker.start();
      await waitFor('the next worker ran it', async () => (await t.db.selectFrom('jobs').select('state').executeTakeFirstOrThrow()).state === 'done');
      await worker.stop();
      worker = undefined;
      assert.equal(runs, 2);
      const done = await t.db.selectFrom('jobs').select(['state', 'attempts']).executeTakeFirstOrThrow();
      assert.deepEqual(done, { state: 'done', attempts: 2 });
    });
  });
}

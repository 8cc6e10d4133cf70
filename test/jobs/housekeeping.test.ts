import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { enqueueJob } from '../../src/jobs/queue.ts';
import { deliveryHistory } from '../../src/mail/deliveries.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { scheduleSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { mailContext, type MailTestContext } from '../mail/mail-helpers.ts';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const ahead = (ms: number) => new Date(Date.now() + ms);

for (const kind of await databaseKinds()) {
  describe(`housekeeping with the recurring sweep (${kind})`, () => {
    let t: TestDatabase;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let m: MailTestContext;
    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      m = await mailContext(t.db, { EMBARGO_SMTP_URL: sink.url, EMBARGO_JOB_RETENTION_DAYS: '30' });
    });
    after(async () => {
      m?.close();
      await sink?.close();
      await t?.close();
    });

    it('deletes expired sessions and sign-ins, stale rate limits and old finished jobs; keeps the rest, failed jobs and reporter mail records', async () => {
      const staff = await makeStaff(t.db, 'triager');
      const session = (expiresAt: Date) => ({ token_hash: randomBytes(32), user_id: staff.id, expires_at: expiresAt });
      await t.db.insertInto('sessions').values([session(ago(60_000)), session(ahead(DAY))]).execute();
      await t.db.insertInto('staff_pending_sign_ins').values([{ ...session(ago(60_000)), next: null }, { ...session(ahead(300_000)), next: null }]).execute();
      await t.db.insertInto('rate_limits').values([{ key: 'stale', hits: 3, window_ends_at: ago(1000) }, { key: 'live', hits: 3, window_ends_at: ahead(60_000) }]).execute();

      // A reporter mail sent long ago: its job must stay, or its delivery's sealed address could not be opened.
      const report = await makeReport(t.db, { reporterEmail: 'ada@example.org' }, m.ctx.vault);
      await postStaffMessage(t.db, m.ctx.vault, { reportId: report.id, actorId: staff.id, visibility: 'reporter', body: 'Thanks!', files: [] });
      await m.worker.drain();
      for (let i = 0; i < 3; i++) await enqueueJob(t.db, 'forget-unconfirmed-subscribers', {});
      await m.worker.drain();
      // The new report's notice to the team (src/team-notices/) is not what this test is about.
      const jobs = await t.db.selectFrom('jobs').select(['id', 'kind']).where('kind', 'not in', ['notify-team', 'team-mail']).orderBy('id').execute();
      assert.equal(jobs.length, 4, JSON.stringify(jobs));
      const [mailJob, oldJob, oldFailed, recentJob] = jobs as unknown as [{ id: string }, { id: string }, { id: string }, { id: string }];
      await t.db.updateTable('jobs').set({ finished_at: ago(40 * DAY) }).where('id', 'in', [mailJob.id, oldJob.id, oldFailed.id]).execute();
      await t.db.updateTable('jobs').set({ state: 'failed' }).where('id', '=', oldFailed.id).execute();
      await t.db.updateTable('jobs').set({ finished_at: ago(29 * DAY) }).where('id', '=', recentJob.id).execute();

      await scheduleSlaSweep(t.db, ago(1000));
      await m.worker.drain();

      assert.equal((await t.db.selectFrom('sessions').select('expires_at').execute()).length, 1);
      assert.ok((await t.db.selectFrom('sessions').select('expires_at').executeTakeFirstOrThrow()).expires_at > new Date());
      assert.equal((await t.db.selectFrom('staff_pending_sign_ins').select('expires_at').execute()).length, 1);
      assert.deepEqual((await t.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key), ['live']);
      const left = new Set((await t.db.selectFrom('jobs').select('id').execute()).map((j) => String(j.id)));
      assert.ok(!left.has(String(oldJob.id)), 'a job done 40 days ago is gone');
      assert.ok(left.has(String(recentJob.id)), 'one done 29 days ago stays');
      assert.ok(left.has(String(oldFailed.id)), 'failed jobs stay for admins');
      assert.ok(left.has(String(mailJob.id)), 'reporter mail jobs stay with their delivery records');
      const history = await deliveryHistory(t.db, m.ctx.secret, report.id);
      assert.deepEqual(history.map((h) => [h.result, h.to_address]), [['sent', 'ada@example.org']]);
      assert.equal((await t.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-sweep').where('state', '=', 'pending').execute()).length, 1, 'and the next sweep is queued');
    });

    it('forgets unconfirmed subscriptions whose link expired, even when their own forget job gave up', async () => {
      const program = await t.db.selectFrom('programs').select('id').executeTakeFirstOrThrow();
      const subscriber = (id: string, confirmedAt: Date | null, expiresAt: Date | null) => ({
        id,
        program_id: program.id,
        email_hash: randomBytes(32),
        data_key: randomBytes(60),
        email_sealed: randomBytes(40),
        confirmed_at: confirmedAt,
        confirm_token_hash: expiresAt ? randomBytes(32) : null,
        confirm_expires_at: expiresAt,
        all_products: true,
        unsubscribe_token_hash: randomBytes(32),
      });
      const [expired, waiting, confirmed] = ['0b6d7a52-0000-4000-8000-000000000001', '0b6d7a52-0000-4000-8000-000000000002', '0b6d7a52-0000-4000-8000-000000000003'];
      await t.db.insertInto('subscribers').values([subscriber(expired, null, ago(DAY)), subscriber(waiting, null, ahead(DAY)), subscriber(confirmed, ago(2 * DAY), null)]).execute();
      // No forget-unconfirmed-subscribers job is pending: the one the request queued ran out of attempts.
      await t.db.deleteFrom('jobs').where('kind', '=', 'forget-unconfirmed-subscribers').execute();
      await t.db.deleteFrom('jobs').where('kind', '=', 'sla-sweep').where('state', '=', 'pending').execute();
      await scheduleSlaSweep(t.db, ago(1000));
      await m.worker.drain();
      const left = (await t.db.selectFrom('subscribers').select('id').where('id', 'in', [expired, waiting, confirmed]).orderBy('id').execute()).map((s) => s.id);
      assert.deepEqual(left, [waiting, confirmed], 'the expired unconfirmed one is gone; the rest stay');
    });
  });
}

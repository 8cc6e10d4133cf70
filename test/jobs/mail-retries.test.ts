import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deliveryHistory } from '../../src/mail/deliveries.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { mailContext, type MailTestContext } from '../mail/mail-helpers.ts';
import { reporterMailJobs } from './job-helpers.ts';
import { hearNothingOfNewWork } from '../team-notices/quiet-team.ts';
import { startSilentRelay } from './silent-relay.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const kind of await databaseKinds()) {
  describe(`mail to reporters is retried for days, and what failed is shown and can be retried (${kind})`, () => {
    let t: TestApp;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let relay: Awaited<ReturnType<typeof startSilentRelay>>;
    // Two workers on one database: one whose relay never answers, one with a real SMTP server.
    let silent: MailTestContext;
    let working: MailTestContext;
    let admin: Awaited<ReturnType<typeof makeStaff>>;
    let triager: Awaited<ReturnType<typeof makeStaff>>;
    let viewer: Awaited<ReturnType<typeof makeStaff>>;
    let report: Awaited<ReturnType<typeof makeReport>>;

    before(async () => {
      sink = await startSmtpSink();
      relay = await startSilentRelay();
      t = await startTestApp(kind);
      silent = await mailContext(t.ctx.db, { EMBARGO_SMTP_URL: relay.url, EMBARGO_SMTP_TIMEOUT_SECONDS: '1' });
      working = await mailContext(t.ctx.db, { EMBARGO_SMTP_URL: sink.url });
      admin = await makeStaff(t.ctx.db, 'admin');
      triager = await makeStaff(t.ctx.db, 'triager');
      viewer = await makeStaff(t.ctx.db, 'viewer');
      await hearNothingOfNewWork(t.ctx.db, admin.id, triager.id, viewer.id); // this file is about mail to reporters
      report = await makeReport(t.ctx.db, { reporterEmail: 'ada@example.org' }, t.ctx.vault);
      await working.worker.drain(); // the new report's notice to the team (src/team-notices/): not the mail under test
    });
    after(async () => {
      silent?.close();
      working?.close();
      await relay?.close();
      await sink?.close();
      await t?.close();
    });

    it('a relay that accepts the connection and never answers: the send gives up within the short timeout, and the mail waits for its retry', async (tc) => {
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: triager.id, visibility: 'reporter', body: 'Can you share the HAR file?', files: [] });
      const triagerClient = await Client.signedIn(t.app, triager);
      const queued = await triagerClient.get(`/staff/reports/${report.reference}`);
      assert.match(queued.body, /id="deliveries-h"/);
      assert.match(queued.body, /Update to the reporter: Queued/);
      assert.doesNotMatch(queued.body, /deliveries\/\d+\/retry/, 'nothing to retry before the first attempt');
      const started = Date.now();
      assert.equal(await silent.worker.drain(), 1);
      const elapsed = Date.now() - started;
      tc.diagnostic(`the silent relay held the job ${elapsed} ms`);
      assert.ok(elapsed < 5_000, `the worker was held ${elapsed} ms by a relay that never answers`);
      assert.ok(relay.connections() >= 1, 'the relay was reached');
      const [job] = await reporterMailJobs(t.ctx.db, report.id);
      assert.equal(job!.state, 'pending', 'retried later, not given up');
      assert.equal(job!.attempts, 1);
      assert.match(job!.last_error ?? '', /greeting never received|timed? ?out/i);
      assert.ok(job!.run_at.getTime() > Date.now(), 'the retry waits its backoff');
      const history = await deliveryHistory(t.ctx.db, t.ctx.secret, report.id);
      assert.deepEqual(history.map((h) => [h.template, h.result]), [['reporter-update', 'failed']]);

      // Pending after a failed attempt: both pages say so, with the next try and a "Retry now".
      const retrying = /Retrying: 1 of (\d+) attempts failed; next <time datetime="[^"]+"/;
      const reportPage = await triagerClient.get(`/staff/reports/${report.reference}`);
      assert.match(reportPage.body, retrying);
      assert.ok(Number(retrying.exec(reportPage.body)![1]) > 8, 'the budget of days, not the default eight attempts');
      assert.match(reportPage.body, new RegExp(`action="/staff/reports/${report.reference}/deliveries/${job!.id}/retry"[\\s\\S]{0,200}Retry now`));
      assert.doesNotMatch(reportPage.body, /Not delivered/);
      const adminClient = await Client.signedIn(t.app, admin);
      const deliveries = await adminClient.get('/staff/deliveries');
      assert.equal(deliveries.statusCode, 200);
      assert.match(deliveries.body, new RegExp(`${report.reference}[\\s\\S]*Retrying: 1 of \\d+ attempts failed`));
      assert.match(deliveries.body, new RegExp(`action="/staff/deliveries/${job!.id}/retry"[\\s\\S]{0,200}Retry now`));
      // "Retry now" makes it due at once, still pending, without counting an attempt.
      const now = await adminClient.postForm(`/staff/deliveries/${job!.id}/retry`, { _csrf: Client.csrf(deliveries.body) });
      assert.equal(now.statusCode, 303);
      const due = (await reporterMailJobs(t.ctx.db, report.id))[0]!;
      assert.equal(due.state, 'pending');
      assert.equal(due.attempts, 1);
      assert.ok(due.run_at.getTime() <= Date.now(), 'due now');
    });

    it('keeps failing: the mail stays pending with growing backoff for about five days, then fails', async (tc) => {
      sink.failNext(1_000_000); // every attempt answered 451 (try again later)
      let job = (await reporterMailJobs(t.ctx.db, report.id))[0]!;
      const id = job.id;
      const delays: number[] = [];
      for (let i = 0; i < 1000 && job.state === 'pending'; i++) {
        // Made due now instead of waiting for it.
        await t.ctx.db.updateTable('jobs').set({ run_at: new Date() }).where('id', '=', id).execute();
        const ranAt = Date.now();
        assert.equal(await working.worker.drain(), 1);
        job = (await reporterMailJobs(t.ctx.db, report.id))[0]!;
        if (job.state === 'pending') delays.push(job.run_at.getTime() - ranAt);
      }
      assert.equal(job.state, 'failed', 'given up in the end');
      const span = delays.reduce((a, b) => a + b, 0);
      tc.diagnostic(`${job.attempts} attempts over ${(span / DAY).toFixed(2)} days`);
      assert.ok(span >= 4.5 * DAY && span <= 6 * DAY, `retried over ${(span / DAY).toFixed(2)} days`);
      assert.ok(delays[0]! <= 5 * 60_000, 'the first retry comes within minutes');
      for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]! - 5_000, 'the backoff never shrinks');
      assert.ok(Math.max(...delays) <= 2 * HOUR + 60_000, 'never more than two hours between attempts');
      assert.equal(job.attempts, delays.length + 2, 'the first attempt (previous test) and one per delay, plus the last');
      assert.equal(job.max_attempts, null, 'the budget comes from the job kind (src/jobs/job-kinds.ts)');
      const history = await deliveryHistory(t.ctx.db, t.ctx.secret, report.id);
      assert.equal(history.length, job.attempts, 'every attempt recorded');
    });

    it('the failed mail is on the admin page and the report page, and a retry delivers it through a real SMTP server', async () => {
      const [job] = await reporterMailJobs(t.ctx.db, report.id);
      assert.equal(job!.state, 'failed');
      const adminClient = await Client.signedIn(t.app, admin);
      const page = await adminClient.get('/staff/deliveries');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(report.reference));
      assert.match(page.body, /Update to the reporter/);
      assert.match(page.body, /451/);
      assert.match(page.body, new RegExp(`action="/staff/deliveries/${job!.id}/retry"`));
      assert.doesNotMatch(page.body, /ada@example\.org/, 'the admin list names reports, not reporters');

      const triagerClient = await Client.signedIn(t.app, triager);
      assert.equal((await triagerClient.get('/staff/deliveries')).statusCode, 403, 'admins only');
      const reportPage = await triagerClient.get(`/staff/reports/${report.reference}`);
      assert.equal(reportPage.statusCode, 200);
      assert.match(reportPage.body, /id="deliveries-h"/);
      assert.match(reportPage.body, /Not delivered/);
      assert.match(reportPage.body, new RegExp(`action="/staff/reports/${report.reference}/deliveries/${job!.id}/retry"`));
      const viewerPage = await (await Client.signedIn(t.app, viewer)).get(`/staff/reports/${report.reference}`);
      assert.match(viewerPage.body, /Not delivered/, 'whoever may see the report sees its undelivered mail');
      assert.doesNotMatch(viewerPage.body, /deliveries\/\d+\/retry/, 'but a viewer cannot retry');

      // Refused: without the CSRF token, and by a non-admin on the admin route.
      assert.equal((await adminClient.postForm(`/staff/deliveries/${job!.id}/retry`, {})).statusCode, 403);
      const csrf = Client.csrf(page.body);
      assert.equal((await triagerClient.postForm(`/staff/deliveries/${job!.id}/retry`, { _csrf: Client.csrf(reportPage.body) })).statusCode, 403);
      assert.equal((await reporterMailJobs(t.ctx.db, report.id))[0]!.state, 'failed');

      const retried = await adminClient.postForm(`/staff/deliveries/${job!.id}/retry`, { _csrf: csrf });
      assert.equal(retried.statusCode, 303);
      assert.equal(retried.headers.location, '/staff/deliveries?done=retry');
      const again = (await reporterMailJobs(t.ctx.db, report.id))[0]!;
      assert.equal(again.state, 'pending');
      assert.ok(again.run_at.getTime() <= Date.now());

      sink.failNext(0);
      const before = sink.mails.length;
      assert.equal(await working.worker.drain(), 1);
      const mails = sink.mails.slice(before);
      assert.equal(mails.length, 1);
      assert.deepEqual(mails[0]!.to, ['ada@example.org']);
      assert.match(mails[0]!.raw, new RegExp(`Subject: \\[${report.reference}\\] Update on your vulnerability report`));
      assert.equal((await reporterMailJobs(t.ctx.db, report.id))[0]!.state, 'done');
      assert.doesNotMatch((await adminClient.get('/staff/deliveries')).body, new RegExp(`/staff/deliveries/${job!.id}/retry`));
    });

    it('a team member retries from the report page', async () => {
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: triager.id, visibility: 'reporter', body: 'One more question.', files: [] });
      // Given up already (the previous test walked the whole budget; this one starts where it ends).
      await t.ctx.db
        .updateTable('jobs')
        .set({ state: 'failed', attempts: 70, last_error: '451 Try again later', finished_at: new Date() })
        .where('state', '=', 'pending')
        .where('kind', '=', 'notify-reporter')
        .execute();
      const job = (await reporterMailJobs(t.ctx.db, report.id)).at(-1)!;
      assert.equal(job.state, 'failed');
      const client = await Client.signedIn(t.app, triager);
      const page = await client.get(`/staff/reports/${report.reference}`);
      const res = await client.postForm(`/staff/reports/${report.reference}/deliveries/${job.id}/retry`, { _csrf: Client.csrf(page.body) });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/staff/reports/${report.reference}?done=mail-retry#deliveries-h`);
      const viewerClient = await Client.signedIn(t.app, viewer);
      const viewerPage = await viewerClient.get(`/staff/reports/${report.reference}`);
      assert.equal((await viewerClient.postForm(`/staff/reports/${report.reference}/deliveries/${job.id}/retry`, { _csrf: Client.csrf(viewerPage.body) })).statusCode, 403);
      // A job of another report cannot be retried through this report's page.
      const other = await makeReport(t.ctx.db, { reporterEmail: 'bob@example.org' }, t.ctx.vault);
      assert.equal((await client.postForm(`/staff/reports/${other.reference}/deliveries/${job.id}/retry`, { _csrf: Client.csrf(page.body) })).statusCode, 404);
      const before = sink.mails.length;
      assert.equal(await working.worker.drain(), 2, "the retried mail, and the other report's notice to the team (which nobody here wants)");
      assert.equal(sink.mails.length, before + 1);
      assert.equal((await reporterMailJobs(t.ctx.db, report.id)).at(-1)!.state, 'done');
      const after = await client.get(`/staff/reports/${report.reference}`);
      assert.doesNotMatch(after.body, /Not delivered/);
    });

    it('a mail the relay refuses for good (550) is not retried, and says so on the report page and the admin page', async () => {
      const refused = await makeReport(t.ctx.db, { reporterEmail: 'gone@example.org' }, t.ctx.vault);
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: refused.id, actorId: triager.id, visibility: 'reporter', body: 'Are you still there?', files: [] });
      sink.refuseNext(1);
      assert.equal(await working.worker.drain(), 2, "the reporter's mail, and the new report's notice to the team");
      assert.equal((await reporterMailJobs(t.ctx.db, refused.id))[0]!.state, 'done', 'nothing to retry: the relay said never');
      const client = await Client.signedIn(t.app, viewer);
      const page = await client.get(`/staff/reports/${refused.reference}`);
      assert.match(page.body, /id="deliveries-h"/);
      assert.match(page.body, /Refused by the relay/);
      assert.match(page.body, /550/);
      assert.doesNotMatch(page.body, /gone@example\.org[^<]*550/, 'the relay answer does not quote the address');
      const adminPage = await (await Client.signedIn(t.app, admin)).get('/staff/deliveries');
      assert.match(adminPage.body, /Refused by the relay/);
      assert.match(adminPage.body, new RegExp(`${refused.reference}[\\s\\S]*550`));
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { countByState, inboxQuerySchema, listReports } from '../../src/reports/list-reports.ts';
import { findReportByReference, findReportByTrackingToken, listAttachments, loadTimeline } from '../../src/reports/read-report.ts';
import { assignReport, changeState, postReporterReply, postStaffMessage } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { InvalidTransitionError, ValidationError } from '../../src/errors.ts';
import { loadConfig } from '../../src/config.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, moveReport, reportInput, testSecret, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const silent = pino({ level: 'silent' });

for (const kind of await databaseKinds()) {
  describe(`reports on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t.close();
    });

    it('stores a submission with its attachments, policy acceptance and first event, and opens it by token only', async () => {
      const program = await demo(t.db);
      const files = [{ filename: '../../etc/poc.html', contentType: 'text/html', content: Buffer.from('<script>alert(1)</script>') }];
      const s = await submitReport(t.db, testVault, { program, input: reportInput(program), files, channel: 'web' });
      assert.match(s.reference, /^EMB-\d{4}-\d{4}$/);
      assert.match(s.trackingToken, /^[A-Za-z0-9_-]{43}$/);
      const report = await findReportByTrackingToken(t.db, testVault, s.trackingToken);
      assert.equal(report?.reference, s.reference);
      assert.equal(report?.state, 'new');
      assert.equal(report?.policy_version_id, program.policy.id);
      assert.ok(report?.policy_accepted_at instanceof Date);
      // only the hash is stored
      const raw = await t.db.selectFrom('reports').select('tracking_token_hash').where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.notEqual(raw.tracking_token_hash.toString('base64url'), s.trackingToken);
      assert.equal(await findReportByTrackingToken(t.db, testVault, s.trackingToken.slice(0, -1) + (s.trackingToken.endsWith('A') ? 'B' : 'A')), undefined);
      const attachments = await listAttachments(t.db, testVault, s.id);
      assert.equal(attachments.length, 1);
      assert.equal(attachments[0]!.filename, 'poc.html');
      const timeline = await loadTimeline(t.db, testVault, s.id, 'reporter', attachments);
      assert.deepEqual(timeline.map((e) => (e.kind === 'event' ? e.type : 'message')), ['submitted']);
    });

    it('numbers concurrent submissions without gaps or duplicates', async () => {
      const program = await demo(t.db);
      const results = await Promise.all(Array.from({ length: 16 }, () => submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web' })));
      const numbers = results.map((r) => Number(r.reference.split('-')[2])).sort((a, b) => a - b);
      assert.equal(new Set(numbers).size, 16);
      assert.equal(numbers.at(-1)! - numbers[0]!, 15);
    });

    it('refuses a submission against an outdated policy version', async () => {
      const program = await demo(t.db);
      await assert.rejects(
        submitReport(t.db, testVault, { program, input: reportInput(program, { policyVersion: program.policy.version + 1 }), files: [], channel: 'web' }),
        (err: unknown) => err instanceof ValidationError && /policy was updated/.test(err.fields.acceptPolicy ?? ''),
      );
    });

    it('moves through the lifecycle, refusing illegal moves, with an event per change', async () => {
      const staff = await makeStaff(t.db, 'triager');
      const s = await makeReport(t.db);
      await moveReport(t.db, testVault, { reportId: s.id, to: 'acknowledged', actorId: staff.id });
      await assert.rejects(changeState(t.db, testVault, { reportId: s.id, to: 'disclosed', actorId: staff.id }), InvalidTransitionError);
      await changeState(t.db, testVault, { reportId: s.id, to: 'triaged', actorId: staff.id, reason: 'Confirmed on 4.2.1' });
      const events = await t.db.selectFrom('report_events').select(['type', 'data', 'reporter_visible']).where('report_id', '=', s.id).orderBy('id').execute();
      // Acknowledging is the evaluation (sent first, so the lifecycle sees it) and the move.
      assert.deepEqual(events.map((e) => e.type), ['submitted', 'evaluation-sent', 'state-changed', 'state-changed']);
      assert.deepEqual(events[3]!.data, { from: 'acknowledged', to: 'triaged' }, 'the reason is not in the clear data');
      const opened = (await loadTimeline(t.db, testVault, s.id, 'staff', [])).flatMap((e) => (e.kind === 'event' ? [e.data] : []));
      assert.deepEqual(opened[3], { from: 'acknowledged', to: 'triaged', reason: 'Confirmed on 4.2.1' }, 'readers see it opened');
      // reporter-visible staff changes enqueue exactly one notification each
      const jobs = await t.db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', 'notify-reporter').execute();
      assert.ok(jobs.length >= 2);
    });

    it('resumes a report waiting on the reporter when they reply', async () => {
      const staff = await makeStaff(t.db, 'triager');
      const s = await makeReport(t.db);
      await moveReport(t.db, testVault, { reportId: s.id, to: 'acknowledged', actorId: staff.id });
      await changeState(t.db, testVault, { reportId: s.id, to: 'needs-info', actorId: staff.id });
      await postReporterReply(t.db, testVault, { reportId: s.id, body: 'Here is the HAR file.', files: [{ filename: 'trace.har', contentType: 'application/json', content: Buffer.from('{}') }] });
      const report = await findReportByTrackingToken(t.db, testVault, s.trackingToken);
      assert.equal(report?.state, 'acknowledged');
      assert.equal(report?.resume_state, null);
    });

    it('keeps internal notes from the reporter and staff names from the reporter view', async () => {
      const staff = await makeStaff(t.db, 'triager', 'Grace Hopper');
      const s = await makeReport(t.db);
      await postStaffMessage(t.db, testVault, { reportId: s.id, actorId: staff.id, visibility: 'internal', body: 'Looks like CVE-2020-1234 again', files: [] });
      await postStaffMessage(t.db, testVault, { reportId: s.id, actorId: staff.id, visibility: 'reporter', body: 'Thanks, we are looking into it.', files: [] });
      const attachments = await listAttachments(t.db, testVault, s.id);
      const reporterView = await loadTimeline(t.db, testVault, s.id, 'reporter', attachments);
      const staffView = await loadTimeline(t.db, testVault, s.id, 'staff', attachments);
      const bodies = (tl: typeof staffView) => tl.flatMap((e) => (e.kind === 'message' ? [e.body] : []));
      assert.deepEqual(bodies(reporterView), ['Thanks, we are looking into it.']);
      assert.deepEqual(bodies(staffView), ['Looks like CVE-2020-1234 again', 'Thanks, we are looking into it.']);
      assert.ok(!JSON.stringify(reporterView).includes('Grace Hopper'));
      assert.ok(JSON.stringify(staffView).includes('Grace Hopper'));
    });

    it('assigns only staff who can work on the program', async () => {
      const triager = await makeStaff(t.db, 'triager');
      const viewer = await makeStaff(t.db, 'viewer');
      const s = await makeReport(t.db);
      await assignReport(t.db, { reportId: s.id, assigneeId: triager.id, actorId: triager.id });
      await assert.rejects(assignReport(t.db, { reportId: s.id, assigneeId: viewer.id, actorId: triager.id }), ValidationError);
      const report = await findReportByTrackingToken(t.db, testVault, s.trackingToken);
      assert.equal(report?.assignee_id, triager.id);
    });

    it('pages the inbox by keyset without skipping or repeating, and filters by text, state and assignee', async () => {
      const program = await demo(t.db);
      const me = await makeStaff(t.db, 'triager');
      const base = new Date('2026-01-01T00:00:00Z').getTime();
      // 120 reports, several sharing a timestamp to exercise the id tie-breaker
      for (let i = 0; i < 120; i++) {
        await submitReport(t.db, testVault, {
          program,
          input: reportInput(program, { title: i % 10 === 0 ? `Heap overflow in parser ${i}` : `Report number ${i}` }),
          files: [],
          channel: 'web',
          now: new Date(base + Math.floor(i / 3) * 1000),
        });
      }
      const all = new Set<string>();
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', after }), currentUserId: me.id });
        for (const r of page.rows) {
          assert.ok(!all.has(r.id), 'a report appeared twice');
          all.add(r.id);
        }
        after = page.next;
        pages++;
      } while (after);
      const total = await t.db.selectFrom('reports').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(all.size, Number(total.n));
      assert.ok(pages >= 3);

      const oldest = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', sort: 'oldest' }), currentUserId: me.id });
      assert.ok(oldest.rows[0]!.createdAt <= oldest.rows[1]!.createdAt);

      const heap = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', q: 'heap overflow' }), currentUserId: me.id });
      assert.equal(heap.rows.length, 12);
      assert.ok(heap.rows.every((r) => r.title.startsWith('Heap overflow')));

      const byRef = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', q: heap.rows[0]!.reference.toLowerCase() }), currentUserId: me.id });
      assert.deepEqual(byRef.rows.map((r) => r.id), [heap.rows[0]!.id]);

      await assignReport(t.db, { reportId: heap.rows[0]!.id, assigneeId: me.id, actorId: me.id });
      const mine = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', assignee: 'me' }), currentUserId: me.id });
      assert.deepEqual(mine.rows.map((r) => r.id), [heap.rows[0]!.id]);

      const none = await listReports(t.db, testVault, { programIds: [], query: inboxQuerySchema.parse({}), currentUserId: me.id });
      assert.equal(none.rows.length, 0);
      const counts = await countByState(t.db, [program.id]);
      assert.ok(counts.new > 100);

      const tampered = await listReports(t.db, testVault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', after: 'not-a-cursor' }), currentUserId: me.id });
      assert.equal(tampered.rows.length, 50);
    });

    it('delivers reporter notifications over real SMTP after commit, retrying on temporary failure', async () => {
      const sink = await startSmtpSink();
      try {
        const config = { ...loadConfig({ EMBARGO_SMTP_URL: sink.url, EMBARGO_MAIL_FROM: 'security@example.com' }) };
        const mailer = createMailer(config.mail.smtpUrl, config.mail.from);
        const ctx = { config, db: t.db, logger: silent, mailer, defaultProgramSlug: 'example', secret: testSecret, vault: testVault };
        const worker = createWorker({ db: t.db, handlers: createJobHandlers(ctx), logger: silent });
        // Earlier tests' jobs are not this test's business: their team notices fan out to every staff member
        // of the file (hundreds of mails, over a minute); drop them rather than send them.
        await t.db.deleteFrom('jobs').where('state', '=', 'pending').execute();
        const staff = await makeStaff(t.db, 'triager');
        const s = await makeReport(t.db, { reporterEmail: 'finder@example.net', description: 'SECRET-DETAIL-1234 in the parser, long enough.' });
        await worker.drain(); // the new report's notice to the team (src/team-notices/)
        const before = sink.mails.length;
        sink.failNext(1);
        await moveReport(t.db, testVault, { reportId: s.id, to: 'acknowledged', actorId: staff.id });
        assert.equal(await worker.drain(), 1);
        const job = await t.db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
        assert.equal(job.state, 'pending');
        assert.equal(job.attempts, 1);
        assert.match(job.last_error ?? '', /451|Try again/);
        await t.db.updateTable('jobs').set({ run_at: new Date(0) }).where('id', '=', job.id).execute(); // skip the backoff
        assert.equal(await worker.drain(), 1);
        const done = await t.db.selectFrom('jobs').select(['state', 'attempts']).where('id', '=', job.id).executeTakeFirstOrThrow();
        assert.deepEqual(done, { state: 'done', attempts: 2 });
        assert.equal(sink.mails.length, before + 1);
        const mail = sink.mails.at(-1)!;
        assert.deepEqual(mail.to, ['finder@example.net']);
        assert.match(mail.raw, new RegExp(s.reference));
        assert.match(mail.raw, /Acknowledged/);
        assert.ok(!mail.raw.includes('SECRET-DETAIL-1234'), 'mail must not carry report details');
        assert.ok(!mail.raw.includes(s.trackingToken), 'mail must not carry the tracking token');
        mailer?.close();
      } finally {
        await sink.close();
      }
    });

    it('does not enqueue anything when the business transaction fails', async () => {
      const staff = await makeStaff(t.db, 'triager');
      const s = await makeReport(t.db);
      const before = await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      await assert.rejects(changeState(t.db, testVault, { reportId: s.id, to: 'fixed', actorId: staff.id }));
      const afterCount = await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(afterCount.n, before.n);
      assert.equal((await findReportByReference(t.db, testVault, s.reference))?.state, 'new');
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { watcherRecipients } from '../../src/sla-reminders/recipients.ts';
import { slaJobHandlers } from '../../src/sla-reminders/sla-mail.ts';
import { runSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { demo, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

// Monday 2 November 2026, 10:00 in Amsterdam: first response is due Thursday 17:00 (see test/triage-ui/sla-reminders.test.ts).
const RECEIVED = new Date('2026-11-02T09:00:00Z');

async function signIn(t: TestApp, user: { email: string; password: string }): Promise<Client> {
  const c = await Client.signedIn(t.app, user);
  return c;
}

describe('watchers', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let mailCtx: AppContext;
  before(async () => {
    t = await startTestApp();
    sink = await startSmtpSink();
    mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'embargo@example.com') };
  });
  after(async () => {
    mailCtx.mailer?.close();
    await sink.close();
    await t.close();
  });

  it('watch and unwatch from the report page (CSRF), and watchers get the assignee’s SLA reminders', async () => {
    const lead = await makeStaff(t.ctx.db, 'lead', 'Lena Lead');
    const assignee = await makeStaff(t.ctx.db, 'triager', 'Tom Triager');
    const watcher = await makeStaff(t.ctx.db, 'triager', 'Wanda Watcher');
    const quitter = await makeStaff(t.ctx.db, 'viewer', 'Quentin Quitter');
    const program = await demo(t.ctx.db);
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web', now: RECEIVED });
    await assignReport(t.ctx.db, { reportId: report.id, assigneeId: assignee.id, actorId: lead.id });
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', report.id).executeTakeFirstOrThrow()).reference;

    const w = await signIn(t, watcher);
    const page = await w.get(`/staff/reports/${ref}`);
    assert.match(page.body, /Nobody watches this report/);
    assert.equal((await w.postForm(`/staff/reports/${ref}/watch`, {})).statusCode, 403, 'CSRF required');
    const res = await w.postForm(`/staff/reports/${ref}/watch`, { _csrf: Client.csrf(page.body) });
    assert.equal(res.statusCode, 303);
    const watched = await w.get(res.headers.location as string);
    assert.match(watched.body, /You are watching this report/);
    assert.match(watched.body, /Wanda Watcher/);
    assert.match(watched.body, /Stop watching/);
    // Watching twice is harmless.
    assert.equal((await w.postForm(`/staff/reports/${ref}/watch`, { _csrf: Client.csrf(watched.body) })).statusCode, 303);

    // A viewer may watch too (it changes nothing in the report), then changes their mind.
    const q = await signIn(t, quitter);
    const qPage = await q.get(`/staff/reports/${ref}`);
    assert.equal((await q.postForm(`/staff/reports/${ref}/watch`, { _csrf: Client.csrf(qPage.body) })).statusCode, 303);
    assert.deepEqual(new Set(await watcherRecipients(t.ctx.db, report.id, program.id)), new Set([watcher.id, quitter.id]));
    assert.equal((await q.postForm(`/staff/reports/${ref}/unwatch`, { _csrf: Client.csrf(qPage.body) })).statusCode, 303);
    assert.deepEqual(await watcherRecipients(t.ctx.db, report.id, program.id), [watcher.id]);

    // Unknown report: not found, never a hint.
    assert.equal((await w.postForm('/staff/reports/EMB-1999-0001/watch', { _csrf: Client.csrf(watched.body) })).statusCode, 404);

    let clock = RECEIVED;
    const worker = createWorker({ db: t.ctx.db, handlers: { ...createJobHandlers(mailCtx), ...slaJobHandlers(mailCtx, () => clock) }, logger: t.ctx.logger });
    const mailsTo = (email: string) => sink.mails.filter((m) => m.to.includes(email)).map((m) => m.raw.replace(/=\r\n/g, ''));
    clock = new Date('2026-11-05T11:00:00Z');
    await runSlaSweep(t.ctx.db, clock);
    await worker.drain();
    assert.ok(mailsTo(assignee.email).some((m) => /nearly due/.test(m)), 'the assignee is reminded');
    assert.ok(mailsTo(watcher.email).some((m) => /nearly due/.test(m)), 'so is the watcher');
    assert.equal(mailsTo(quitter.email).length, 0, 'not someone who stopped watching');

    clock = new Date('2026-11-05T17:00:00Z');
    await runSlaSweep(t.ctx.db, clock);
    await worker.drain();
    assert.ok(mailsTo(watcher.email).some((m) => /First response is overdue/.test(m)), 'the watcher hears of the breach');
    assert.ok(!mailsTo(watcher.email).some((m) => /Escalation/.test(m)), 'escalation stays with the leads');
  });

  it('a disabled watcher is not reminded', async () => {
    const program = await demo(t.ctx.db);
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web', now: RECEIVED });
    const gone = await makeStaff(t.ctx.db, 'triager');
    await t.ctx.db.insertInto('report_watchers').values({ report_id: report.id, user_id: gone.id }).execute();
    assert.deepEqual(await watcherRecipients(t.ctx.db, report.id, program.id), [gone.id]);
    await t.ctx.db.updateTable('staff_users').set({ disabled_at: new Date() }).where('id', '=', gone.id).execute();
    assert.deepEqual(await watcherRecipients(t.ctx.db, report.id, program.id), []);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareReporterUpdate } from '../../src/mail/templates/reporter-update.ts';
import { loadMetrics } from '../../src/metrics/report-metrics.ts';
import { loadProgram } from '../../src/programs/programs.ts';
import { changeState, postStaffMessage } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { loadReportClocks } from '../../src/sla/report-clocks.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { acknowledge, demo, futureDate, makeReport, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';

const FRAUD = 'examples/fraud-platform.json';

for (const kind of await databaseKinds()) {
  describe(`the first-response promise on ${kind}`, () => {
    let t: TestApp;
    let staffId: string;
    before(async () => {
      // The fraud-platform example promises only a reply; the demo program an evaluation and a date.
      t = await startTestApp(kind, { EMBARGO_CONFIG: FRAUD });
      staffId = (await makeStaff(t.ctx.db, 'admin', 'Promise Keeper')).id;
    });
    after(async () => {
      await t.close();
    });

    const stateOf = async (id: string) => (await t.ctx.db.selectFrom('reports').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
    const firstResponse = async (id: string) => (await loadReportClocks(t.ctx.db, id))!.clocks.find((c) => c.name === 'first-response')!;
    async function fraudReport() {
      const program = (await loadProgram(t.ctx.db, { slug: 'vigila' }))!;
      return submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { product: 'vigila-platform' }), files: [], channel: 'web' });
    }

    it('refuses to acknowledge without the evaluation where the program promises one, from new and from a wait begun when new', async () => {
      const r = await makeReport(t.ctx.db);
      await assert.rejects(changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'acknowledged', actorId: staffId }), /promises the reporter an evaluation and an expected resolution date/);
      await changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'needs-info', actorId: staffId });
      await assert.rejects(changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'triaged', actorId: staffId }), /promises the reporter an evaluation/);
      assert.equal(await stateOf(r.id), 'needs-info');
      assert.equal((await firstResponse(r.id)).state, 'paused');

      await acknowledge(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: staffId });
      assert.equal(await stateOf(r.id), 'acknowledged');
      assert.equal((await firstResponse(r.id)).state, 'met', 'sending the evaluation keeps the promise');
      await changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'triaged', actorId: staffId });
    });

    it('a reporter-visible reply does not keep a promise of an evaluation, but keeps a promise of a reply', async () => {
      const evaluated = await makeReport(t.ctx.db);
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: evaluated.id, actorId: staffId, visibility: 'reporter', body: 'Thanks, looking.', files: [] });
      assert.equal((await firstResponse(evaluated.id)).state, 'running');

      const replied = await fraudReport();
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: replied.id, actorId: staffId, visibility: 'reporter', body: 'Thanks, looking.', files: [] });
      assert.equal((await firstResponse(replied.id)).state, 'met');
      // Where only a reply is promised, acknowledging plainly is allowed.
      const plain = await fraudReport();
      await changeState(t.ctx.db, t.ctx.vault, { reportId: plain.id, to: 'acknowledged', actorId: staffId });
      assert.equal(await stateOf(plain.id), 'acknowledged');
      assert.equal((await firstResponse(plain.id)).state, 'met');
    });

    it('counts a report acknowledged without its evaluation (an older history) as a promise not kept', async () => {
      const r = await makeReport(t.ctx.db);
      // Before the rule existed, the status menu could do this; replay such a history directly.
      await t.ctx.db.updateTable('reports').set({ state: 'acknowledged' }).where('id', '=', r.id).execute();
      await t.ctx.db
        .insertInto('report_events')
        .values({ report_id: r.id, actor_kind: 'staff', actor_id: staffId, type: 'state-changed', data: JSON.stringify({ from: 'new', to: 'acknowledged' }), reporter_visible: true })
        .execute();
      const clock = await firstResponse(r.id);
      assert.equal(clock.state, 'breached');
      assert.match(clock.explanation, /Not kept: answered .* without the evaluation and expected resolution date/);

      const kept = await makeReport(t.ctx.db);
      await acknowledge(t.ctx.db, t.ctx.vault, { reportId: kept.id, actorId: staffId });
      const m = await loadMetrics(t.ctx.db, [(await demo(t.ctx.db)).id]);
      const row = m.sla.find((s) => s.name === 'first-response')!;
      const fresh = await t.ctx.db.selectFrom('reports').select('id').where('program_id', '=', (await demo(t.ctx.db)).id).execute();
      const clocks = await Promise.all(fresh.map((f) => firstResponse(f.id)));
      assert.equal(row.met, clocks.filter((c) => c.state === 'met').length);
      assert.ok(row.breached >= 1, 'the bare acknowledgement counts as broken');
      const duration = m.durations.find((d) => d.name === 'first-response')!;
      assert.equal(duration.count, clocks.filter((c) => c.state === 'met').length, 'time to first response counts evaluations sent, not bare acknowledgements');
    });

    it('the status menu, the bulk action and the API refuse a bare acknowledgement; the API acknowledges with the fields', async () => {
      const c = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager', 'Menu Mo'));
      const menu = await makeReport(t.ctx.db);
      const page = await c.get(`/staff/reports/${menu.reference}`);
      const res = await c.postForm(`/staff/reports/${menu.reference}/state`, { _csrf: Client.csrf(page.body), to: 'acknowledged' });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /promises the reporter an evaluation and an expected resolution date/);
      assert.equal(await stateOf(menu.id), 'new');

      const inbox = await c.get('/staff/reports?state=all');
      const bulk = await c.postForm('/staff/reports/bulk', { _csrf: Client.csrf(inbox.body), action: 'state', to: 'acknowledged', ids: menu.id });
      assert.match(bulk.body, new RegExp(`0 changed, 1 could not: ${menu.reference}: This program promises the reporter an evaluation`));
      assert.equal(await stateOf(menu.id), 'new');

      const api = apiClient(t, (await makeApiToken(t.ctx.db)).token);
      const bare = await api.post(`/api/v1/reports/${menu.reference}/state`, { to: 'acknowledged' });
      assert.equal(bare.status, 409, bare.body);
      assert.match(bare.json.error.message, /evaluation and expectedResolutionDate/);
      const missingDate = await api.post(`/api/v1/reports/${menu.reference}/state`, { to: 'acknowledged', evaluation: 'Confirmed.' });
      assert.equal(missingDate.status, 422, missingDate.body);
      assert.ok(missingDate.json.error.fields.expectedResolutionDate);
      const date = futureDate();
      const ok = await api.post(`/api/v1/reports/${menu.reference}/state`, { to: 'acknowledged', evaluation: 'Confirmed on 4.2.1.', expectedResolutionDate: date });
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.json.state, 'acknowledged');
      assert.equal((await firstResponse(menu.id)).state, 'met');
      const events = await t.ctx.db.selectFrom('report_events').select('type').where('report_id', '=', menu.id).orderBy('id').execute();
      assert.ok(events.some((e) => e.type === 'evaluation-sent'));
      const notForOtherMoves = await api.post(`/api/v1/reports/${menu.reference}/state`, { to: 'triaged', evaluation: 'x' });
      assert.equal(notForOtherMoves.status, 422, 'the evaluation belongs only to the acknowledgement');
    });

    it('mails the reporter an evaluation only when one was sent', async () => {
      const mailFor = async (reportId: string) => {
        const event = await t.ctx.db.selectFrom('report_events').select('id').where('report_id', '=', reportId).where('type', '=', 'state-changed').orderBy('id', 'desc').executeTakeFirstOrThrow();
        const prepared = await prepareReporterUpdate(t.ctx.db, t.ctx.vault, 'https://cvd.example.com', { eventId: event.id });
        assert.ok(prepared.send);
        return { encrypted: prepared.render({ encrypted: true }).text, clear: prepared.render({ encrypted: false }).text };
      };
      // Every mail that points to the tracking link says how to get it back, with details (encrypted) or without (a notice in clear).
      const lostLink = /Lost your tracking link\? Ask for a new one with the report’s reference and your e-mail address at https:\/\/[^\s]+\/track\/recover\b/;
      const plain = await fraudReport();
      await changeState(t.ctx.db, t.ctx.vault, { reportId: plain.id, to: 'acknowledged', actorId: staffId });
      const plainMail = await mailFor(plain.id);
      const plainText = plainMail.encrypted;
      assert.match(plainText, /Its status is now: Acknowledged\./);
      assert.match(plainText, /We have received your report and are looking into it\./);
      assert.doesNotMatch(plainText, /evaluat|resolution date/i);
      assert.match(plainText, lostLink);

      const evaluated = await makeReport(t.ctx.db);
      await acknowledge(t.ctx.db, t.ctx.vault, { reportId: evaluated.id, actorId: staffId, evaluation: 'The filter misses encoded quotes.' });
      const evaluatedMail = await mailFor(evaluated.id);
      const evaluatedText = evaluatedMail.encrypted;
      assert.match(evaluatedText, /Our evaluation:\n\n> The filter misses encoded quotes\./);
      assert.match(evaluatedText, /Expected resolution date: \d{4}-\d{2}-\d{2}\./);
      assert.match(evaluatedText, lostLink);
      // In clear, a notice-only program sends no details: the line that says how to get the link back stays.
      assert.doesNotMatch(evaluatedMail.clear, /encoded quotes/);
      assert.match(evaluatedMail.clear, lostLink);
    });

    it('tells the reporter an evaluation was sent only when it was', async () => {
      const plain = await fraudReport();
      await changeState(t.ctx.db, t.ctx.vault, { reportId: plain.id, to: 'acknowledged', actorId: staffId });
      const page = await t.app.inject({ url: `/track/${plain.trackingToken}` });
      assert.equal(page.statusCode, 200);
      assert.ok(!/sent you our|evaluated your report/i.test(page.body), "no claim of an evaluation");

      const evaluated = await makeReport(t.ctx.db);
      await acknowledge(t.ctx.db, t.ctx.vault, { reportId: evaluated.id, actorId: staffId, evaluation: 'We confirmed the injection.' });
      const shown = await t.app.inject({ url: `/track/${evaluated.trackingToken}` });
      assert.match(shown.body, /We confirmed the injection/);
      assert.match(shown.body, /sent you our evaluation and an expected resolution date/);
    });
  });
}

describe('the status menu offers only what the promise allows', () => {
  it('leaves out a bare acknowledgement where an evaluation is owed, and offers the Evaluation panel, also while waiting on the reporter', async () => {
    const t = await startTestApp();
    try {
      const staff = await makeStaff(t.ctx.db, 'triager', 'Menu Reader');
      const c = await Client.signedIn(t.app, staff);
      const r = await makeReport(t.ctx.db);
      const options = (html: string) => [...(html.match(/<select id="to"[^]*?<\/select>/)?.[0] ?? '').matchAll(/<option value="([\w-]+)"/g)].map((m) => m[1]);
      const fresh = (await c.get(`/staff/reports/${r.reference}`)).body;
      assert.deepEqual(options(fresh), ['needs-info', 'duplicate', 'not-applicable', 'spam']);
      assert.match(fresh, /send the evaluation and the expected resolution date the policy promises/);
      assert.match(fresh, /Acknowledge and send/);

      await changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'needs-info', actorId: staff.id });
      const waiting = (await c.get(`/staff/reports/${r.reference}`)).body;
      assert.ok(!options(waiting).includes('acknowledged') && !options(waiting).includes('triaged'));
      assert.match(waiting, /Acknowledge and send/, 'a report waiting since it was new can still be evaluated');
      await acknowledge(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: staff.id });
      const acknowledged = (await c.get(`/staff/reports/${r.reference}`)).body;
      assert.ok(options(acknowledged).includes('triaged'));
      assert.doesNotMatch(acknowledged, /Acknowledge and send/);
    } finally {
      await t.close();
    }
  });
});

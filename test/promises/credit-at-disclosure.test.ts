import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeState } from '../../src/reports/report-actions.ts';
import { listCredits } from '../../src/thanks/list-credits.ts';
import { markDuplicate } from '../../src/triage/mark-duplicate.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';

const DAY = 86_400_000;

for (const kind of await databaseKinds()) {
  describe(`credit only at disclosure on ${kind}`, () => {
    let t: TestApp;
    let staffId: string;
    before(async () => {
      t = await startTestApp(kind);
      staffId = (await makeStaff(t.ctx.db, 'lead', 'Credit Lead')).id;
    });
    after(async () => {
      await t.close();
    });

    const thanks = async () => (await new Client(t.app).get('/thanks')).body;
    const named = async () => (await listCredits(t.ctx.db, t.ctx.vault, (await demo(t.ctx.db)).id)).flatMap((y) => y.named);
    const walk = async (reportId: string, to: readonly ('acknowledged' | 'triaged' | 'fixing' | 'fixed' | 'disclosed' | 'closed')[]) => {
      for (const s of to) await moveReport(t.ctx.db, t.ctx.vault, { reportId, to: s, actorId: staffId });
    };

    it('names nobody for a fixed report before it is disclosed, nor for one closed without disclosure', async () => {
      const fixed = await makeReport(t.ctx.db, { reporterName: 'Fay Fixed' });
      const dup = await makeReport(t.ctx.db, { reporterName: 'Dan Duplicate' });
      await markDuplicate(t.ctx.db, t.ctx.vault, { reportId: dup.id, originalReference: fixed.reference, actorId: staffId });
      await t.ctx.db.updateTable('reports').set({ credit_with_original: true }).where('id', '=', dup.id).execute();
      await walk(fixed.id, ['acknowledged', 'triaged', 'fixing', 'fixed']);
      const closed = await makeReport(t.ctx.db, { reporterName: 'Cora Closed' });
      await walk(closed.id, ['acknowledged', 'triaged', 'fixing', 'fixed', 'closed']);
      assert.deepEqual(await named(), [], 'fixed is not disclosed: the embargo still holds');
      const page = await thanks();
      assert.doesNotMatch(page, /Fay Fixed|Dan Duplicate|Cora Closed/);

      await changeState(t.ctx.db, t.ctx.vault, { reportId: fixed.id, to: 'disclosed', actorId: staffId });
      const disclosedYear = new Date().getUTCFullYear();
      assert.deepEqual(await listCredits(t.ctx.db, t.ctx.vault, (await demo(t.ctx.db)).id), [{ year: disclosedYear, named: ['Dan Duplicate', 'Fay Fixed'], anonymous: 0 }]);
      assert.match(await thanks(), /Fay Fixed/);
      assert.doesNotMatch(await thanks(), /Cora Closed/);
    });

    /** A fixed report whose disclosure was agreed with the reporter for `at` (set directly: the use cases refuse past dates). */
    const fixedWithAgreedDate = async (reporterName: string, at: Date) => {
      const report = await makeReport(t.ctx.db, { reporterName });
      await walk(report.id, ['acknowledged', 'triaged', 'fixing', 'fixed']);
      await t.ctx.db
        .updateTable('reports')
        .set({ disclosure_at: at, disclosure_time_zone: 'Europe/Amsterdam', disclosure_status: 'agreed', disclosure_proposed_by: 'team' })
        .where('id', '=', report.id)
        .execute();
      return report;
    };
    const stateOf = async (id: string) => (await t.ctx.db.selectFrom('reports').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

    it('refuses “disclosed” before the agreed date with no advisory on the status menu, the bulk action and the API; the explicit decision passes', async () => {
      const lead = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'lead', 'Early Lead'));
      const api = apiClient(t, (await makeApiToken(t.ctx.db)).token);

      const menu = await fixedWithAgreedDate('Mona Menu', new Date(Date.now() + 30 * DAY));
      const page = await lead.get(`/staff/reports/${menu.reference}`);
      assert.match(page.body, /<option value="disclosed">/);
      assert.match(page.body, /name="discloseEarly" value="yes"/, 'the status menu offers the decision');
      const refused = await lead.postForm(`/staff/reports/${menu.reference}/state`, { _csrf: Client.csrf(page.body), to: 'disclosed' });
      assert.equal(refused.statusCode, 409, refused.body.slice(0, 300));
      assert.match(refused.body, /The disclosure was agreed with the reporter for \w+day \d+ \w+ \d{4}, \d\d:\d\d \(Europe\/Amsterdam\), and no advisory is published/);
      assert.equal(await stateOf(menu.id), 'fixed');
      assert.doesNotMatch(await thanks(), /Mona Menu/);

      const inbox = await lead.get('/staff/reports?state=all');
      const bulk = await lead.postForm('/staff/reports/bulk', { _csrf: Client.csrf(inbox.body), action: 'state', to: 'disclosed', ids: menu.id });
      assert.match(bulk.body, new RegExp(`0 changed, 1 could not: ${menu.reference}: The disclosure was agreed with the reporter`));
      assert.equal(await stateOf(menu.id), 'fixed');

      const bare = await api.post(`/api/v1/reports/${menu.reference}/state`, { to: 'disclosed' });
      assert.equal(bare.status, 409, bare.body);
      assert.equal(bare.json.error.code, 'invalid_transition');
      assert.match(bare.json.error.message, /no advisory is published/);
      assert.equal(await stateOf(menu.id), 'fixed');
      assert.doesNotMatch(await thanks(), /Mona Menu/);
      const misplaced = await api.post(`/api/v1/reports/${menu.reference}/state`, { to: 'closed', discloseEarly: true });
      assert.equal(misplaced.status, 422, 'the decision belongs only to the move to disclosed');

      // The explicit decision: through the status menu, recorded in the timeline; then the name appears.
      const decided = await lead.postForm(`/staff/reports/${menu.reference}/state`, { _csrf: Client.csrf(page.body), to: 'disclosed', discloseEarly: 'yes' });
      assert.equal(decided.statusCode, 303, decided.body.slice(0, 300));
      assert.equal(await stateOf(menu.id), 'disclosed');
      assert.match(await thanks(), /Mona Menu/);
      assert.match((await lead.get(`/staff/reports/${menu.reference}`)).body, /Fixed → Disclosed, before the agreed disclosure date by decision\./);

      // And through the API.
      const viaApi = await fixedWithAgreedDate('Abe Api', new Date(Date.now() + 30 * DAY));
      const early = await api.post(`/api/v1/reports/${viaApi.reference}/state`, { to: 'disclosed', discloseEarly: true });
      assert.equal(early.status, 200, early.body);
      assert.equal(early.json.state, 'disclosed');
      assert.match(await thanks(), /Abe Api/);

      // Once the agreed moment has passed, disclosing is the team's move without a further decision.
      const passed = await fixedWithAgreedDate('Pat Passed', new Date(Date.now() - DAY));
      await changeState(t.ctx.db, t.ctx.vault, { reportId: passed.id, to: 'disclosed', actorId: staffId });
      assert.match(await thanks(), /Pat Passed/);
    });

    it('names the reporter once the report’s advisory is published', async () => {
      const lead = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'lead', 'Advisory Lead'));
      // Published before the agreed date by the editor's own explicit decision: the advisory makes the report public, so the disclosure follows.
      const report = await fixedWithAgreedDate('Ada Advisory', new Date(Date.now() + 30 * DAY));
      assert.doesNotMatch(await thanks(), /Ada Advisory/);
      const staffUrl = `/staff/reports/${report.reference}`;
      const started = await lead.postForm(`${staffUrl}/advisory`, { _csrf: Client.csrf((await lead.get(staffUrl)).body) });
      assert.equal(started.statusCode, 303, started.body.slice(0, 300));
      const editorUrl = started.headers.location!.replace(/\?.*$/, '');
      const editor = await lead.get(editorUrl);
      const published = await lead.postForm(editorUrl, {
        _csrf: Client.csrf(editor.body),
        title: 'Stored XSS in the user list',
        summary: 'Update to 4.2.2.',
        'product.0.id': 'example-cloud',
        'product.0.fixed': '4.2.2',
        intent: 'publish',
        confirm: 'yes',
        publishEarly: 'yes',
      });
      assert.equal(published.statusCode, 303, published.body.slice(0, 500));
      assert.equal(await stateOf(report.id), 'disclosed', 'publishing the advisory discloses the report');
      assert.match(await thanks(), /Ada Advisory/);
    });
  });
}

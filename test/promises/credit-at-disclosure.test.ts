import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeState } from '../../src/reports/report-actions.ts';
import { listCredits } from '../../src/thanks/list-credits.ts';
import { markDuplicate } from '../../src/triage/mark-duplicate.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

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
  });
}

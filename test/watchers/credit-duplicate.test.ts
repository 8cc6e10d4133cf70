import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCredits } from '../../src/thanks/list-credits.ts';
import { markDuplicate } from '../../src/triage/mark-duplicate.ts';
import { demo, makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('crediting a duplicate reporter with the original', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'triager', 'Cora Credit');
    staffId = user.id;
    c = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  const refOf = async (id: string) => (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', id).executeTakeFirstOrThrow()).reference;
  const thanks = async () => {
    const res = await new Client(t.app).get('/thanks');
    assert.equal(res.statusCode, 200);
    return res.body;
  };
  const named = async () => (await listCredits(t.ctx.db, t.ctx.vault, (await demo(t.ctx.db)).id)).flatMap((y) => y.named);

  it('lists the duplicate reporter only when toggled and once the original is disclosed, by their own preference', async () => {
    const original = await makeReport(t.ctx.db, { reporterName: 'Grace First' });
    const dup = await makeReport(t.ctx.db, { reporterName: 'Henry Second', reporterHandle: 'hsecond', creditPreference: 'handle' });
    const [origRef, dupRef] = [await refOf(original.id), await refOf(dup.id)];

    // Not a duplicate yet: no toggle, and the use case refuses.
    const before = await c.get(`/staff/reports/${dupRef}`);
    assert.doesNotMatch(before.body, /Credit this reporter as well/);
    assert.equal((await c.postForm(`/staff/reports/${dupRef}/credit-duplicate`, { _csrf: Client.csrf(before.body), credit: 'yes' })).statusCode, 422);

    await markDuplicate(t.ctx.db, t.ctx.vault, { reportId: dup.id, originalReference: origRef, actorId: staffId });
    const page = await c.get(`/staff/reports/${dupRef}`);
    assert.match(page.body, /Credit this reporter as well/);
    const csrf = Client.csrf(page.body);
    assert.equal((await c.postForm(`/staff/reports/${dupRef}/credit-duplicate`, { credit: 'yes' })).statusCode, 403, 'CSRF required');
    assert.equal((await c.postForm(`/staff/reports/${dupRef}/credit-duplicate`, { _csrf: csrf, credit: 'maybe' })).statusCode, 422);
    const on = await c.postForm(`/staff/reports/${dupRef}/credit-duplicate`, { _csrf: csrf, credit: 'yes' });
    assert.equal(on.statusCode, 303);
    assert.match((await c.get(on.headers.location as string)).body, /Stop crediting this reporter/);

    // The original is not disclosed: nobody is on the thanks page yet.
    assert.deepEqual(await named(), []);

    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: original.id, to, actorId: staffId });
    const disclosedYear = new Date().getUTCFullYear();
    const credits = await listCredits(t.ctx.db, t.ctx.vault, (await demo(t.ctx.db)).id);
    assert.deepEqual(credits, [{ year: disclosedYear, named: ['Grace First', 'hsecond'], anonymous: 0 }], 'by handle, as the duplicate reporter chose');
    assert.match(await thanks(), /hsecond/, 'on the public thanks page');

    // Toggled off: gone again.
    const off = await c.postForm(`/staff/reports/${dupRef}/credit-duplicate`, { _csrf: csrf, credit: 'no' });
    assert.equal(off.statusCode, 303);
    assert.deepEqual(await named(), ['Grace First']);
    assert.doesNotMatch(await thanks(), /hsecond/);
  });

  it('respects a duplicate reporter who asked for no credit', async () => {
    const original = await makeReport(t.ctx.db, { reporterName: 'Ivy Original' });
    const dup = await makeReport(t.ctx.db, { reporterName: 'Nora Nocredit', creditPreference: 'none' });
    await markDuplicate(t.ctx.db, t.ctx.vault, { reportId: dup.id, originalReference: await refOf(original.id), actorId: staffId });
    await t.ctx.db.updateTable('reports').set({ credit_with_original: true }).where('id', '=', dup.id).execute();
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: original.id, to, actorId: staffId });
    const names = await named();
    assert.ok(names.includes('Ivy Original'));
    assert.ok(!names.includes('Nora Nocredit'));
  });
});

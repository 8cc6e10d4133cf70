import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTeamSeverity } from '../../src/triage/set-team-severity.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { listCredits } from '../../src/thanks/list-credits.ts';
import { demo, makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('duplicates on the report page', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'triager', 'Dora Dup');
    staffId = user.id;
    c = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  it('suggests the original with a reason, marks the duplicate, and shows its reporter only the original’s progress', async () => {
    const first = await makeReport(t.ctx.db, {
      title: 'Heap overflow in the VPN packet parser',
      product: 'example-gateway',
      description: 'A crafted IKE packet overflows the heap buffer in the packet parser of the gateway.',
      reporterName: 'Grace First',
    });
    const second = await makeReport(t.ctx.db, {
      title: 'Heap overflow in VPN packet parser',
      product: 'example-gateway',
      description: 'Sending a malformed IKE packet overflows a heap buffer in the packet parser.',
      reporterName: 'Henry Second',
    });
    const ref = async (id: string) => (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', id).executeTakeFirstOrThrow()).reference;
    const [firstRef, secondRef] = [await ref(first.id), await ref(second.id)];

    const page = await c.get(`/staff/reports/${secondRef}`);
    assert.match(page.body, new RegExp(`Mark as duplicate of ${firstRef}`));
    assert.match(page.body, /same product/);
    const csrf = Client.csrf(page.body);

    const wrongWay = await c.postForm(`/staff/reports/${firstRef}/duplicate`, { _csrf: csrf, original: secondRef });
    assert.equal(wrongWay.statusCode, 422);
    assert.match(wrongWay.body, /arrived after this report/);
    const unknown = await c.postForm(`/staff/reports/${secondRef}/duplicate`, { _csrf: csrf, original: 'EMB-1999-0001' });
    assert.equal(unknown.statusCode, 422);

    const ok = await c.postForm(`/staff/reports/${secondRef}/duplicate`, { _csrf: csrf, original: firstRef });
    assert.equal(ok.statusCode, 303);
    const dup = await t.ctx.db.selectFrom('reports').select(['state', 'duplicate_of']).where('id', '=', second.id).executeTakeFirstOrThrow();
    assert.equal(dup.state, 'duplicate');
    assert.equal(dup.duplicate_of, first.id);
    assert.match((await c.get(`/staff/reports/${firstRef}`)).body, new RegExp(`Reported again as:.*${secondRef}`, 's'));

    await setTeamSeverity(t.ctx.db, { reportId: first.id, actorId: staffId, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' });
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: first.id, to, actorId: staffId });

    const track = await new Client(t.app).get(`/track/${second.trackingToken}`);
    assert.equal(track.statusCode, 200);
    assert.match(track.body, /The earlier report of this issue/);
    assert.match(track.body, /Critical/);
    assert.match(track.body, /<dd>Fixed<\/dd>/);
    assert.match(track.body, /already been reported to us by someone else/);
    assert.doesNotMatch(track.body, new RegExp(firstRef), 'the original’s reference is not revealed');
    assert.doesNotMatch(track.body, /Grace First|crafted IKE packet/, 'nor its reporter or content');

    // Credit stays with the first reporter, once the fix is disclosed.
    await changeState(t.ctx.db, t.ctx.vault, { reportId: first.id, to: 'disclosed', actorId: staffId });
    const credits = await listCredits(t.ctx.db, t.ctx.vault, (await demo(t.ctx.db)).id);
    const names = credits.flatMap((y) => y.named);
    assert.ok(names.includes('Grace First'));
    assert.ok(!names.includes('Henry Second'));
  });
});

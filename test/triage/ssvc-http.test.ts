import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('SSVC on the staff report page', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('saves the decision points, shows the priority, and refuses an incomplete form with field messages', async () => {
    const user = await makeStaff(t.ctx.db, 'triager');
    const c = await Client.signedIn(t.app, user);
    const r = await makeReport(t.ctx.db);
    const { reference } = await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow();
    const page = await c.get(`/staff/reports/${reference}`);
    assert.match(page.body, /SSVC priority/);
    assert.match(page.body, /Not assessed/);
    const csrf = Client.csrf(page.body);

    assert.equal((await c.postForm(`/staff/reports/${reference}/ssvc`, { exploitation: 'active' })).statusCode, 403, 'CSRF');
    const incomplete = await c.postForm(`/staff/reports/${reference}/ssvc`, { _csrf: csrf, exploitation: 'active' });
    assert.equal(incomplete.statusCode, 422);
    assert.match(incomplete.body, /Choose whether exploitation can be automated/);

    const ok = await c.postForm(`/staff/reports/${reference}/ssvc`, {
      _csrf: csrf,
      exploitation: 'public-poc',
      automatable: 'yes',
      valueDensity: 'diffuse',
      technicalImpact: 'total',
      publicSafetyImpact: 'minimal',
    });
    assert.equal(ok.statusCode, 303);
    const after = await c.get(`/staff/reports/${reference}?done=ssvc`);
    assert.match(after.body, /SSVC decision saved/);
    assert.match(after.body, /Out of cycle \(release as soon as the fix is ready\)/);
    assert.match(after.body, /set the SSVC priority: out-of-cycle/);
    const track = await new Client(t.app).get(`/track/${r.trackingToken}`);
    assert.doesNotMatch(track.body, /SSVC|out-of-cycle/, 'the reporter does not see internal triage');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';
import { goodReport, lowEffortReport, signIn, submitWeb } from './spam-helpers.ts';

describe('the block list on the web: only admins choose IP blocks, see the list and remove entries', () => {
  let t: TestApp;
  let triager: Client;
  let admin: Client;
  before(async () => {
    t = await startTestApp();
    ({ c: triager } = await signIn(t, 'triager', 'Tess Triage'));
    ({ c: admin } = await signIn(t, 'admin', 'Ada Admin'));
  });
  after(async () => {
    await t.close();
  });

  const blocks = () => t.ctx.db.selectFrom('blocked_senders').select(['id', 'kind', 'expires_at']).orderBy('kind').execute();

  it('"block the sender" blocks the e-mail address only; the IP needs an admin’s choice of expiry', async () => {
    const first = await submitWeb(t, { ...goodReport, reporterEmail: 'spammer@example.net' });
    const page = await triager.get(`/staff/reports/${first.reference}`);
    assert.match(page.body, /Also block the sender’s e-mail address/);
    assert.match(page.body, /<select id="blockIp" name="blockIp">/);
    const csrf = Client.csrf(page.body);

    const refused = await triager.postForm(`/staff/reports/${first.reference}/spam`, { _csrf: csrf, block: 'yes', blockIp: '7' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Only an admin of the program can block an IP address/);
    const badDays = await triager.postForm(`/staff/reports/${first.reference}/spam`, { _csrf: csrf, block: 'yes', blockIp: '365' });
    assert.equal(badDays.statusCode, 422);
    assert.deepEqual(await blocks(), []);

    const ok = await triager.postForm(`/staff/reports/${first.reference}/spam`, { _csrf: csrf, block: 'yes' });
    assert.equal(ok.statusCode, 303);
    assert.match(String(ok.headers.location), /done=spam-blocked$/);
    assert.deepEqual((await blocks()).map((b) => b.kind), ['email']);
    // inject() always comes from 127.0.0.1: the next researcher from there, with another address, is not quarantined.
    const honest = await submitWeb(t, { ...goodReport, reporterEmail: 'grace@example.org' });
    assert.equal(honest.quarantined, false, honest.reasons.join());
    const again = await submitWeb(t, { ...goodReport, reporterEmail: 'Spammer@example.net' });
    assert.deepEqual(again.reasons, ['blocked-email']);

    const adminCsrf = Client.csrf((await admin.get(`/staff/reports/${again.reference}`)).body);
    const withIp = await admin.postForm(`/staff/reports/${again.reference}/spam`, { _csrf: adminCsrf, blockIp: '1' });
    assert.equal(withIp.statusCode, 303);
    assert.match(String(withIp.headers.location), /done=spam-blocked-ip$/);
    const ip = (await blocks()).find((b) => b.kind === 'ip');
    assert.ok(ip?.expires_at && ip.expires_at.getTime() - Date.now() > 23 * 3_600_000 && ip.expires_at.getTime() - Date.now() <= 24 * 3_600_000);
    assert.match((await admin.get(`/staff/reports/${again.reference}`)).body, /blocked the sender \(IP address for 1 day\)/);
  });

  it('shows the list to admins, refuses it and its removal to others with 403, and a removal unblocks the address', async () => {
    const list = await admin.get('/staff/blocks');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /E-mail address/);
    assert.match(list.body, /IP address/);
    assert.match(list.body, /Tess Triage/);
    assert.match(list.body, /Closed as spam\./);
    assert.match(list.body, /href="\/staff\/reports\/EMB-\d{4}-\d{4}"/);
    assert.doesNotMatch(list.body, /spammer@example\.net/i, 'the list never shows an address');
    assert.match((await admin.get('/staff/team')).body, /href="\/staff\/blocks"/);

    assert.equal((await triager.get('/staff/blocks')).statusCode, 403);
    const entries = await blocks();
    const email = entries.find((b) => b.kind === 'email')!;
    const csrf = Client.csrf(list.body);
    assert.equal((await triager.postForm(`/staff/blocks/${email.id}/remove`, { _csrf: Client.csrf((await triager.get('/staff/reports')).body) })).statusCode, 403);
    assert.equal((await admin.postForm(`/staff/blocks/${email.id}/remove`, {})).statusCode, 403, 'CSRF');
    assert.equal((await blocks()).length, 2);

    for (const b of entries) {
      const res = await admin.postForm(`/staff/blocks/${b.id}/remove`, { _csrf: csrf });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/staff/blocks?done=removed');
    }
    assert.deepEqual(await blocks(), []);
    assert.match((await admin.get('/staff/blocks?done=removed')).body, /Nobody is blocked/);
    const next = await submitWeb(t, { ...goodReport, reporterEmail: 'spammer@example.net' });
    assert.equal(next.quarantined, false, next.reasons.join());
  });

  it('closes as spam through the same use case from the bulk action and the API: the report leaves the quarantine', async () => {
    const viaBulk = await submitWeb(t, { ...lowEffortReport, reporterEmail: 'bulk@example.net' });
    const viaApi = await submitWeb(t, { ...lowEffortReport, reporterEmail: 'api@example.net' });
    assert.ok(viaBulk.quarantined && viaApi.quarantined);
    const inbox = await triager.get('/staff/reports/quarantine');
    const body = new URLSearchParams([['_csrf', Client.csrf(inbox.body)], ['action', 'state'], ['to', 'spam'], ['ids', viaBulk.id]]).toString();
    const res = await t.app.inject({
      method: 'POST',
      url: '/staff/reports/bulk',
      payload: body,
      headers: { cookie: [...triager.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.match(res.body, /1 changed\./);
    const { token } = await makeApiToken(t.ctx.db, ['reports:read', 'reports:write']);
    const api = await apiClient(t, token).post(`/api/v1/reports/${viaApi.reference}/state`, { to: 'spam' });
    assert.equal(api.status, 200, api.body);
    const rows = await t.ctx.db.selectFrom('reports').select(['state', 'quarantined']).where('id', 'in', [viaBulk.id, viaApi.id]).execute();
    assert.deepEqual(rows, [
      { state: 'spam', quarantined: false },
      { state: 'spam', quarantined: false },
    ]);
    assert.deepEqual(await blocks(), [], 'neither blocks anyone');

  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { signIn } from '../spam/spam-helpers.ts';

describe('canned responses', () => {
  let t: TestApp;
  let admin: Client;
  let triager: Client;
  before(async () => {
    t = await startTestApp();
    ({ c: admin } = await signIn(t, 'admin', 'Ada Admin'));
    ({ c: triager } = await signIn(t, 'triager', 'Tom Triage'));
  });
  after(async () => {
    await t.close();
  });

  const create = async (c: Client, fields: Record<string, string>) => {
    const page = await c.get('/staff/canned-responses');
    return c.postForm('/staff/canned-responses', { _csrf: Client.csrf(page.body), ...fields });
  };

  it('lets admins write templates, with CSRF, validation and unknown-variable checks; others only read', async () => {
    const page = await admin.get('/staff/canned-responses');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /\{\{expectedResolutionDate\}\}/);
    assert.equal((await admin.postForm('/staff/canned-responses', { title: 'x', body: 'y' })).statusCode, 403, 'no CSRF token');

    const typo = await create(admin, { title: 'Thanks', body: 'Hi {{reporterNmae}}' });
    assert.equal(typo.statusCode, 422);
    assert.match(typo.body, /Unknown variable \{\{reporterNmae\}\}/);
    assert.match(typo.body, />Hi \{\{reporterNmae\}\}<\/textarea>/, 'what was typed comes back');

    const ok = await create(admin, {
      title: 'Out of scope <staging>',
      closureReason: 'out-of-scope',
      body: 'Hello {{reporterName}}, {{reference}} concerns a host outside our policy ({{policyUrl}}). {{trackingHint}}',
    });
    assert.equal(ok.statusCode, 303);
    assert.equal((await create(admin, { title: 'OUT OF SCOPE <staging>', body: 'again' })).statusCode, 422, 'titles are unique per program');
    assert.equal((await create(admin, { title: 'Ack', body: 'We expect a fix by {{expectedResolutionDate}}.' })).statusCode, 303);

    const readOnly = await triager.get('/staff/canned-responses');
    assert.match(readOnly.body, /Out of scope &lt;staging>/);
    assert.match(readOnly.body, /Only the program’s admins can change/);
    const refused = await triager.postForm('/staff/canned-responses', { _csrf: Client.csrf(readOnly.body), title: 'Mine', body: 'x' });
    assert.equal(refused.statusCode, 403);

    const [ack] = await t.ctx.db.selectFrom('canned_responses').select('id').where('title', '=', 'Ack').execute();
    const edit = await admin.get('/staff/canned-responses');
    assert.equal((await admin.postForm(`/staff/canned-responses/${ack!.id}`, { _csrf: Client.csrf(edit.body), title: 'Acknowledged', body: 'Fix expected by {{expectedResolutionDate}}.' })).statusCode, 303);
    assert.equal((await admin.postForm('/staff/canned-responses/not-a-uuid/delete', { _csrf: Client.csrf(edit.body) })).statusCode, 404);
  });

  it('fills a template into the composer server-side, escaped, without JavaScript', async () => {
    const r = await makeReport(t.ctx.db, { reporterName: '<img src=x onerror=alert(1)>' });
    const { reference } = await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow();
    const [tpl] = await t.ctx.db.selectFrom('canned_responses').select('id').where('title', '=', 'Out of scope <staging>').execute();
    const page = await triager.get(`/staff/reports/${reference}?template=${tpl!.id}`);
    assert.equal(page.statusCode, 200);
    // The message box's "Insert" submits with the draft (report-composer.test.ts); a ?template= link still fills an empty box.
    assert.match(page.body, /<button type="submit" name="action" value="insert-canned"[^>]*>Insert<\/button>/);
    assert.match(page.body, new RegExp(`Hello &lt;img src=x onerror=alert\\(1\\)>, ${reference} concerns a host outside our policy \\(http://localhost:3000/policy\\)`));
    assert.doesNotMatch(page.body, /<img src=x/);
    const unknown = await triager.get(`/staff/reports/${reference}?template=00000000-0000-0000-0000-000000000000`);
    assert.equal(unknown.statusCode, 200, 'an unknown template leaves the composer empty');
  });

  it('closes as not applicable with one click on a template: its reason and its filled text reach the reporter', async () => {
    const r = await makeReport(t.ctx.db, { reporterName: 'Nia' });
    const { reference } = await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow();
    const [tpl] = await t.ctx.db.selectFrom('canned_responses').select('id').where('title', '=', 'Out of scope <staging>').execute();
    const page = await triager.get(`/staff/reports/${reference}`);
    assert.match(page.body, /Out of scope &lt;staging> \(Out of scope\)/);
    const res = await triager.postForm(`/staff/reports/${reference}/close`, { _csrf: Client.csrf(page.body), closureReason: '', template: tpl!.id, note: '' });
    assert.equal(res.statusCode, 303);
    const row = await t.ctx.db.selectFrom('reports').select(['state', 'closure_reason']).where('id', '=', r.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { state: 'not-applicable', closure_reason: 'out-of-scope' });
    const track = await new Client(t.app).get(`/track/${r.trackingToken}`);
    assert.match(track.body, new RegExp(`Hello Nia, ${reference} concerns a host outside our policy`));
  });
});

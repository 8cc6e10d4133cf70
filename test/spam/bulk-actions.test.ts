import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeReport, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { signIn } from './spam-helpers.ts';

describe('bulk actions on the inbox', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    ({ c, id: staffId } = await signIn(t, 'triager', 'Bulk Betty'));
  });
  after(async () => {
    await t.close();
  });

  const refOf = async (id: string) => (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', id).executeTakeFirstOrThrow()).reference;
  const stateOf = async (id: string) => (await t.ctx.db.selectFrom('reports').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

  /** Posts the inbox's bulk form as a browser would: repeated "ids" fields. */
  async function bulk(fields: [string, string][]) {
    const inbox = await c.get('/staff/reports?state=all');
    const body = new URLSearchParams([['_csrf', Client.csrf(inbox.body)], ...fields]).toString();
    return t.app.inject({ method: 'POST', url: '/staff/reports/bulk', payload: body, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' } });
  }

  it('renders a checkbox per row tied to the CSRF-protected bulk form', async () => {
    const r = await makeReport(t.ctx.db);
    const page = await c.get('/staff/reports');
    assert.match(page.body, /<form method="post" action="\/staff\/reports\/bulk" id="bulk"/);
    assert.match(page.body, new RegExp(`<input type="checkbox" name="ids" value="${r.id}" form="bulk"`));
    const noCsrf = await c.postForm('/staff/reports/bulk', { action: 'spam', ids: r.id });
    assert.equal(noCsrf.statusCode, 403);
    const none = await bulk([['action', 'spam']]);
    assert.equal(none.statusCode, 422);
    assert.match(none.body, /Select at least one report/);
  });

  it('changes each report through the lifecycle and names the ones that could not change', async () => {
    const [a, b, c2, d] = [await makeReport(t.ctx.db), await makeReport(t.ctx.db), await makeReport(t.ctx.db), await makeReport(t.ctx.db)];
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: d.id, to, actorId: staffId });
    const res = await bulk([['action', 'state'], ['to', 'needs-info'], ...[a, b, c2, d].map((r) => ['ids', r.id] as [string, string])]);
    assert.equal(res.statusCode, 200);
    const dRef = await refOf(d.id);
    assert.match(res.body, new RegExp(`3 changed, 1 could not: ${dRef}: A report that is disclosed cannot change state\\.`));
    for (const r of [a, b, c2]) assert.equal(await stateOf(r.id), 'needs-info');
    assert.equal(await stateOf(d.id), 'disclosed');

    // The bulk action goes through the same lifecycle: a bare acknowledgement would claim an evaluation that was never sent.
    const bare = await bulk([['action', 'state'], ['to', 'acknowledged'], ['ids', a.id]]);
    assert.match(bare.body, new RegExp(`0 changed, 1 could not: ${await refOf(a.id)}: This program promises the reporter an evaluation and an expected resolution date`));
    assert.equal(await stateOf(a.id), 'needs-info');

    const assign = await bulk([['action', 'assign'], ['assignee', staffId], ['ids', a.id], ['ids', b.id]]);
    assert.match(assign.body, /2 changed\./);
    const assigned = await t.ctx.db.selectFrom('reports').select('assignee_id').where('id', 'in', [a.id, b.id]).execute();
    assert.deepEqual(assigned.map((r) => r.assignee_id), [staffId, staffId]);

    const spam = await bulk([['action', 'spam'], ['ids', c2.id], ['ids', '00000000-0000-0000-0000-000000000000']]);
    assert.match(spam.body, /1 changed, 1 could not: A selected report: does not exist, or you do not have access to it\./);
    assert.equal(await stateOf(c2.id), 'spam');
  });

  it('refuses a viewer report by report', async () => {
    const { c: viewer } = await signIn(t, 'viewer');
    const r = await makeReport(t.ctx.db);
    const inbox = await viewer.get('/staff/reports');
    const res = await viewer.postForm('/staff/reports/bulk', { _csrf: Client.csrf(inbox.body), action: 'spam', ids: r.id });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`0 changed, 1 could not: ${await refOf(r.id)}: your role can read this report but not change it\\.`));
    assert.equal(await stateOf(r.id), 'new');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('converting a report into a Markdown ticket', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'triager', 'Tess Ticket');
    staffId = user.id;
    c = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  it('closes as informative, then downloads the escaped ticket with the reporter-visible thread only', async () => {
    const report = await makeReport(t.ctx.db, {
      title: '# <script>alert(1)</script>',
      description: '[x](javascript:alert(1)) and `rm -rf`',
    });
    await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: staffId, visibility: 'reporter', body: 'Could you share a <b>screenshot</b>?', files: [] });
    await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: staffId, visibility: 'internal', body: 'INTERNAL: just a typo', files: [] });
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', report.id).executeTakeFirstOrThrow()).reference;

    const page = await c.get(`/staff/reports/${ref}`);
    assert.match(page.body, /Convert to a ticket/);
    const csrf = Client.csrf(page.body);
    assert.equal((await c.postForm(`/staff/reports/${ref}/convert`, {})).statusCode, 403, 'CSRF required');

    const res = await c.postForm(`/staff/reports/${ref}/convert`, { _csrf: csrf });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/staff/reports/${ref}/ticket.md`);
    const row = await t.ctx.db.selectFrom('reports').select(['state', 'closure_reason']).where('id', '=', report.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { state: 'not-applicable', closure_reason: 'informative' });

    const file = await c.get(res.headers.location);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'text/markdown; charset=utf-8');
    assert.equal(file.headers['content-disposition'], `attachment; filename="${ref}.md"`);
    assert.match(file.body, /^# \\# &lt;script\\>alert\\\(1\\\)&lt;\/script\\>$/m);
    assert.match(file.body, /\\\[x\\\]\\\(javascript\\:alert\\\(1\\\)\\\) and \\`rm \\-rf\\`/);
    assert.match(file.body, /&lt;b\\>screenshot&lt;\/b\\>/);
    assert.doesNotMatch(file.body, /INTERNAL/, 'internal notes stay out');
    assert.doesNotMatch(file.body, /ada@example\.org/, 'the reporter’s address never leaves');
    assert.doesNotMatch(file.body, /<script|<b>/);

    // Closed now: the page offers the download again, not a second conversion.
    const after = await c.get(`/staff/reports/${ref}`);
    assert.doesNotMatch(after.body, /Convert to a ticket/);
    assert.match(after.body, /Download the Markdown ticket/);
    const again = await c.postForm(`/staff/reports/${ref}/convert`, { _csrf: Client.csrf(after.body) });
    assert.equal(again.statusCode, 409);
  });

  it('answers not found for a stranger and requires a session', async () => {
    const report = await makeReport(t.ctx.db);
    const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', report.id).executeTakeFirstOrThrow()).reference;
    const anon = await new Client(t.app).get(`/staff/reports/${ref}/ticket.md`);
    assert.notEqual(anon.statusCode, 200);
  });
});

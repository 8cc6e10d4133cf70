/**
 * The report page's message box (issue 10): a slip never mails the reporter
 * (no choice means an internal note, and the box opens on "internal note"),
 * and choosing a canned response inserts it into the draft without sending
 * anything and without losing what was typed (the no-JavaScript path; the
 * script's path is in report-page-layout-browser.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCannedResponse } from '../../src/canned/canned-responses.ts';
import { makeReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { signIn } from '../spam/spam-helpers.ts';

describe('report page message box', () => {
  let t: TestApp;
  let triager: Client;
  let adminId: string;
  before(async () => {
    t = await startTestApp();
    ({ c: triager } = await signIn(t, 'triager', 'Tom Triage'));
    ({ id: adminId } = await signIn(t, 'admin', 'Ada Admin'));
  });
  after(async () => {
    await t.close();
  });

  const newReport = async (overrides: Parameters<typeof makeReport>[1] = {}) => {
    const r = await makeReport(t.ctx.db, { reporterName: 'Nia', reporterEmail: 'nia@example.org', ...overrides });
    const { reference } = await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow();
    return { id: r.id, reference };
  };
  const messages = (reportId: string) => t.ctx.db.selectFrom('report_messages').select(['visibility']).where('report_id', '=', reportId).execute();
  const outbox = (reportId: string) =>
    t.ctx.db.selectFrom('report_events').select('type').where('report_id', '=', reportId).where('type', 'in', ['staff-replied', 'note-added']).execute();

  it('opens on "internal note", marks the reply to the reporter, and saves a message without a choice as an internal note', async () => {
    const r = await newReport();
    const page = await triager.get(`/staff/reports/${r.reference}`);
    assert.equal(page.statusCode, 200);
    const internal = /<input[^>]*name="visibility"[^>]*value="internal"[^>]*>/.exec(page.body)?.[0] ?? '';
    const reply = /<input[^>]*name="visibility"[^>]*value="reporter"[^>]*>/.exec(page.body)?.[0] ?? '';
    assert.match(internal, /checked/, 'the internal note is the default choice');
    assert.doesNotMatch(reply, /checked/, 'replying to the reporter is never preselected');
    assert.ok(page.body.indexOf('value="internal"') < page.body.indexOf('value="reporter"'), 'the internal note comes first');
    assert.match(page.body, /sent to the reporter by e-mail/i, 'the reply choice says it leaves the team');

    const res = await triager.postMultipart(`/staff/reports/${r.reference}/messages`, { _csrf: Client.csrf(page.body), body: 'Looks like the 2024 bug again.' });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /done=note/);
    assert.deepEqual(await messages(r.id), [{ visibility: 'internal' }]);
    assert.deepEqual(await outbox(r.id), [{ type: 'note-added' }]);

    const odd = await triager.postMultipart(`/staff/reports/${r.reference}/messages`, { _csrf: Client.csrf(page.body), body: 'Typo in the choice.', visibility: 'Reporter ' });
    assert.equal(odd.statusCode, 303);
    assert.deepEqual((await messages(r.id)).map((m) => m.visibility), ['internal', 'internal'], 'anything but an explicit "reporter" is internal');

    const sent = await triager.postMultipart(`/staff/reports/${r.reference}/messages`, { _csrf: Client.csrf(page.body), body: 'We reproduced it.', visibility: 'reporter' });
    assert.match(String(sent.headers.location), /done=reply/);
    assert.deepEqual((await outbox(r.id)).map((e) => e.type).sort(), ['note-added', 'note-added', 'staff-replied']);
  });

  it('inserts a canned response into the typed draft without JavaScript, sending nothing', async () => {
    await createCannedResponse(t.ctx.db, {
      programId: (await t.ctx.db.selectFrom('programs').select('id').executeTakeFirstOrThrow()).id,
      actorId: adminId,
      form: { title: 'Need a proof <of concept>', body: 'Hello {{reporterName}}, could you send a proof of concept for {{reference}}?', closureReason: null },
    });
    const tpl = await t.ctx.db.selectFrom('canned_responses').select('id').where('title', '=', 'Need a proof <of concept>').executeTakeFirstOrThrow();
    const r = await newReport({ reporterName: '<b>Nia</b>' });
    const page = await triager.get(`/staff/reports/${r.reference}`);
    assert.match(page.body, /Need a proof &lt;of concept>/);

    const typed = 'Thanks for the report.\nOne question:';
    const res = await triager.postMultipart(`/staff/reports/${r.reference}/messages`, {
      _csrf: Client.csrf(page.body),
      visibility: 'reporter',
      body: typed,
      template: tpl.id,
      action: 'insert-canned',
    });
    assert.equal(res.statusCode, 200, 'the page comes back with the draft, nothing is sent');
    assert.deepEqual(await messages(r.id), [], 'no message was saved or sent');
    const draft = /<textarea[^>]*id="body"[^>]*>([^<]*)<\/textarea>/.exec(res.body)?.[1] ?? '';
    assert.equal(
      draft,
      `Thanks for the report.\nOne question:\n\nHello &lt;b>Nia&lt;/b>, could you send a proof of concept for ${r.reference}?`,
      'what was typed is kept and the filled template follows it, escaped',
    );
    assert.match(/<input[^>]*name="visibility"[^>]*value="reporter"[^>]*>/.exec(res.body)?.[0] ?? '', /checked/, 'the chosen audience is kept');

    const empty = await triager.postMultipart(`/staff/reports/${r.reference}/messages`, { _csrf: Client.csrf(page.body), body: '', template: tpl.id, action: 'insert-canned' });
    assert.equal(empty.statusCode, 200);
    assert.match(/<textarea[^>]*id="body"[^>]*>([^<]*)<\/textarea>/.exec(empty.body)?.[1] ?? '', /^Hello &lt;b>Nia&lt;\/b>, could you/);
    assert.match(/<input[^>]*name="visibility"[^>]*value="internal"[^>]*>/.exec(empty.body)?.[0] ?? '', /checked/, 'no choice stays internal');

    const unknown = await triager.postMultipart(`/staff/reports/${r.reference}/messages`, {
      _csrf: Client.csrf(page.body),
      body: 'Keep me',
      template: '00000000-0000-0000-0000-000000000000',
      action: 'insert-canned',
    });
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, />Keep me<\/textarea>/);
    assert.deepEqual(await messages(r.id), [], 'still nothing sent');
  });
});

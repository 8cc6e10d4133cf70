import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { demo, makeReport, makeStaff } from '../helpers/factories.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken, submission } from '../api/api-helpers.ts';

/**
 * U+0000 cannot be stored in PostgreSQL text (nor in PGlite): every way text
 * comes in must refuse it with a message a person can act on, or strip it
 * where nobody typed it (mail), never answer 500. The other control characters
 * are refused the same way (tab and line breaks only in fields of one line),
 * and stripped from what a client declares rather than types (a file's type).
 */
const NUL = '\u0000';
const BELL = '\u0007';
const ESC = '\u001b';

/** The report form's fields, valid as they stand. */
function formFields(csrf: string, policyVersion: number, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: csrf,
    title: 'Stored XSS in the user list',
    product: 'other',
    productVersion: '4.2.1',
    vulnerabilityType: 'xss',
    description: 'The display name is rendered without escaping in /admin/users.',
    stepsToReproduce: '1. Set the display name\n2. Open /admin/users',
    impact: 'Session theft of administrators.',
    creditPreference: 'anonymous',
    acceptPolicy: 'yes',
    policyVersion: String(policyVersion),
    ...overrides,
  };
}

for (const kind of await databaseKinds()) {
  describe(`a NUL character in what comes in (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(async () => {
      await t.close();
    });
    beforeEach(async () => {
      await t.ctx.db.deleteFrom('rate_limits').execute();
    });

    it('report form: the field says what is wrong, and what was typed stays', async () => {
      const program = await demo(t.ctx.db);
      const c = new Client(t.app);
      const csrf = Client.csrf((await c.get('/report')).body);
      const res = await c.postMultipart('/report', {
        _csrf: csrf,
        title: `Stored XSS${NUL} in the user list`,
        product: 'other',
        productVersion: '4.2.1',
        vulnerabilityType: 'xss',
        description: 'The display name is rendered without escaping in /admin/users.',
        stepsToReproduce: `1. Set the display name${NUL}\n2. Open /admin/users`,
        impact: 'Session theft of administrators.',
        creditPreference: 'anonymous',
        acceptPolicy: 'yes',
        policyVersion: String(program.policy.version),
      });
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.match(res.body, /control character/);
      assert.match(res.body, /Stored XSS/, 'the typed title is shown again');
      assert.equal((await t.ctx.db.selectFrom('reports').select('id').execute()).length, 0);
    });

    it('API: a JSON field with NUL is refused with a field message', async () => {
      const { token } = await makeApiToken(t.ctx.db);
      const res = await apiClient(t, token).post('/api/v1/reports', submission({ title: `SSRF${NUL} in the webhook tester`, reporterName: `Grace${NUL}` }));
      assert.equal(res.status, 422, res.body);
      assert.equal(res.json.error.code, 'validation_failed');
      assert.match(res.json.error.fields.title, /control character/);
      assert.match(res.json.error.fields.reporterName, /control character/);
    });

    it('query filters: the inbox and the API list refuse ?product=%00 with a message', async () => {
      const staff = await makeStaff(t.ctx.db, 'admin');
      const c = await Client.signedIn(t.app, staff);
      const inbox = await c.get('/staff/reports?product=%00');
      assert.equal(inbox.statusCode, 422, inbox.body.slice(0, 300));
      assert.match(inbox.body, /product/);
      assert.match(inbox.body, /control character/);
      const { token } = await makeApiToken(t.ctx.db);
      const list = await apiClient(t, token).get('/api/v1/reports?product=%00');
      assert.equal(list.status, 422, list.body);
      assert.match(list.json.error.fields.product, /control character/);
      const search = await apiClient(t, token).get('/api/v1/reports?q=abc%00def');
      assert.notEqual(search.status, 500);
    });

    it('route parameters with NUL answer 404', async () => {
      const staff = await makeStaff(t.ctx.db, 'admin');
      const c = await Client.signedIn(t.app, staff);
      assert.equal((await c.get('/staff/reports/%00')).statusCode, 404);
      assert.equal((await c.get('/staff/reports/EX-2026-%00/attachments/x')).statusCode, 404);
      assert.equal((await new Client(t.app).get('/track/%00abc')).statusCode, 404);
      const { token } = await makeApiToken(t.ctx.db);
      const api = await apiClient(t, token).get('/api/v1/reports/%00');
      assert.equal(api.status, 404, api.body);
    });

    it('staff forms: a message with NUL is refused on the field, and so is a sign-in', async () => {
      const staff = await makeStaff(t.ctx.db, 'admin');
      const report = await makeReport(t.ctx.db);
      const ref = (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', report.id).executeTakeFirstOrThrow()).reference;
      const c = await Client.signedIn(t.app, staff);
      const page = await c.get(`/staff/reports/${ref}`);
      const message = await c.postMultipart(`/staff/reports/${ref}/messages`, { _csrf: Client.csrf(page.body), body: `Thanks${NUL} for the report`, visibility: 'internal' });
      assert.equal(message.statusCode, 422, message.body.slice(0, 300));
      assert.match(message.body, /control character/);

      const anon = new Client(t.app);
      const login = await anon.postForm('/staff/login', { _csrf: Client.csrf((await anon.get('/staff/login')).body), email: `${staff.email}${NUL}`, password: staff.password });
      assert.equal(login.statusCode, 422, login.body.slice(0, 300));
      assert.match(login.body, /control character/);
    });

    it('report form: other control characters are refused on their field; tab and line breaks only where text has several lines', async () => {
      const program = await demo(t.ctx.db);
      const reportsBefore = (await t.ctx.db.selectFrom('reports').select('id').execute()).length;
      const c = new Client(t.app);
      const csrf = Client.csrf((await c.get('/report')).body);
      const bell = await c.postMultipart('/report', formFields(csrf, program.policy.version, { title: `Stored XSS${BELL} in the user list` }));
      assert.equal(bell.statusCode, 422, bell.body.slice(0, 300));
      assert.match(bell.body, /control character \(U\+0007\)/);
      const tab = await c.postMultipart('/report', formFields(csrf, program.policy.version, { productVersion: `4.2.1\t(latest)` }));
      assert.equal(tab.statusCode, 422, tab.body.slice(0, 300));
      assert.match(tab.body, /control character \(U\+0009\)/);
      const escape = await c.postMultipart('/report', formFields(csrf, program.policy.version, { impact: `Session theft${ESC}[31m of administrators.` }));
      assert.equal(escape.statusCode, 422, escape.body.slice(0, 300));
      assert.match(escape.body, /control character \(U\+001B\)/);
      assert.equal((await t.ctx.db.selectFrom('reports').select('id').execute()).length, reportsBefore, 'nothing refused was stored');

      const lines = await c.postMultipart('/report', formFields(csrf, program.policy.version, { description: 'Line one\r\n\tindented line two, as pasted from a terminal.' }));
      assert.equal(lines.statusCode, 303, lines.body.slice(0, 300));
    });

    it('report form and reporter reply: a NUL in a file’s declared type is stripped, and the file kept', async () => {
      const program = await demo(t.ctx.db);
      const c = new Client(t.app);
      const csrf = Client.csrf((await c.get('/report')).body);
      const res = await c.postMultipart('/report', formFields(csrf, program.policy.version), [{ name: 'attachments', filename: 'poc.txt', content: 'alert(1)', rawType: `text/pl${NUL}ain${BELL}` }]);
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const token = /\/track\/([^?]+)\?/.exec(String(res.headers.location))![1]!;

      const page = await c.get(`/track/${token}`);
      const reply = await c.postMultipart(`/track/${token}/reply`, { _csrf: Client.csrf(page.body), body: 'A second proof of concept.' }, [{ name: 'attachments', filename: 'poc2.txt', content: 'alert(2)', rawType: `${NUL}${ESC}` }]);
      assert.equal(reply.statusCode, 303, reply.body.slice(0, 300));

      const types = (await t.ctx.db.selectFrom('report_attachments').select('content_type').orderBy('created_at').execute()).map((r) => r.content_type).sort();
      assert.deepEqual(types, ['application/octet-stream', 'text/plain']);
    });

    it('reporter reply: a message with NUL is refused on the field, and what was typed stays', async () => {
      const report = await makeReport(t.ctx.db);
      const c = new Client(t.app);
      const page = await c.get(`/track/${report.trackingToken}`);
      const res = await c.postMultipart(`/track/${report.trackingToken}/reply`, { _csrf: Client.csrf(page.body), body: `The fix is${NUL} incomplete: try /admin/users?x=1` });
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.match(res.body, /control character \(U\+0000, NUL\)/);
      assert.match(res.body, /The fix is/, 'the typed message is shown again');
      const bell = await c.postMultipart(`/track/${report.trackingToken}/reply`, { _csrf: Client.csrf(page.body), body: `Ping${BELL}` });
      assert.equal(bell.statusCode, 422, bell.body.slice(0, 300));
      assert.match(bell.body, /control character \(U\+0007\)/);
      assert.equal((await t.ctx.db.selectFrom('report_messages').select('id').where('report_id', '=', report.id).execute()).length, 0);

      const lines = await c.postMultipart(`/track/${report.trackingToken}/reply`, { _csrf: Client.csrf(page.body), body: 'Two lines:\r\n\tthe second indented.' });
      assert.equal(lines.statusCode, 303, lines.body.slice(0, 300));
    });

    it('API: control characters are refused with a field message naming them; line breaks pass in the text of several lines', async () => {
      const { token } = await makeApiToken(t.ctx.db);
      const api = apiClient(t, token);
      const res = await api.post('/api/v1/reports', submission({ description: `The webhook tester fetches any URL${ESC}, internal ones included.`, reporterHandle: `gh${BELL}` }));
      assert.equal(res.status, 422, res.body);
      assert.match(res.json.error.fields.description, /control character \(U\+001B, escape\)/);
      assert.match(res.json.error.fields.reporterHandle, /control character \(U\+0007\)/);
      const oneLine = await api.post('/api/v1/reports', submission({ title: `SSRF\tin the webhook tester`, reporterName: 'Grace\nHopper' }));
      assert.equal(oneLine.status, 422, oneLine.body);
      assert.match(oneLine.json.error.fields.title, /control character \(U\+0009, tab\)/);
      assert.match(oneLine.json.error.fields.reporterName, /control character \(U\+000A, line break\)/);

      const declared = await api.post('/api/v1/reports', submission({ attachments: [{ filename: 'poc.txt', contentType: `text/plain${NUL}`, content: Buffer.from('x').toString('base64') }] }));
      assert.equal(declared.status, 422, declared.body);
      assert.match(declared.json.error.fields['attachments.0.contentType'], /control character/);

      const ok = await api.post('/api/v1/reports', submission({ description: 'Line one\nLine two\twith a tab, as a platform forwards it.' }));
      assert.equal(ok.status, 201, ok.body);
    });

    it('staff query filters refuse any control character, not only NUL', async () => {
      const staff = await makeStaff(t.ctx.db, 'admin');
      const c = await Client.signedIn(t.app, staff);
      const inbox = await c.get('/staff/reports?product=%07');
      assert.equal(inbox.statusCode, 422, inbox.body.slice(0, 300));
      assert.match(inbox.body, /control character \(U\+0007\)/);
      assert.equal((await c.get('/staff/reports/%1B')).statusCode, 404);
    });
  });
}

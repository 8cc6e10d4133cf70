import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { demo, makeReport, makeStaff } from '../helpers/factories.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken, submission } from '../api/api-helpers.ts';

/**
 * U+0000 cannot be stored in PostgreSQL text (nor in PGlite): every way text
 * comes in must refuse it with a message a person can act on, or strip it
 * where nobody typed it (mail), never answer 500.
 */
const NUL = '\u0000';

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
  });
}

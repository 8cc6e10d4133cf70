import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken, submission } from './api-helpers.ts';
import { futureDate } from '../helpers/factories.ts';

// A smoke run of the whole API on each database kind: text[] scopes, the CHECK
// constraints and keyset paging behave the same on PGlite and PostgreSQL.
for (const kind of await databaseKinds()) {
  describe(`API on ${kind}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('submits, reads, lists, replies, changes state and downloads', async () => {
      const api = apiClient(t, (await makeApiToken(t.ctx.db)).token);
      const created = await api.post('/api/v1/reports', submission({ attachments: [{ filename: 'a.txt', content: Buffer.from('hello').toString('base64') }] }));
      assert.equal(created.status, 201, created.body);
      const ref = created.json.reference;
      const report = await api.get(`/api/v1/reports/${ref}`);
      assert.equal(report.json.reporter.email, 'grace@example.org');
      assert.equal((await api.get('/api/v1/reports?state=new')).json.data[0].reference, ref);
      assert.equal((await api.post(`/api/v1/reports/${ref}/messages`, { body: 'Looking into it.', visibility: 'reporter' })).status, 201);
      assert.equal((await api.get(`/api/v1/reports/${ref}/messages`)).json.data.length, 1);
      const acknowledged = await api.post(`/api/v1/reports/${ref}/state`, { to: 'acknowledged', evaluation: 'Confirmed.', expectedResolutionDate: futureDate() });
      assert.equal(acknowledged.json.state, 'acknowledged', acknowledged.body);
      assert.equal((await api.post(`/api/v1/reports/${ref}/state`, { to: 'new' })).status, 409);
      const file = await t.app.inject({ url: report.json.attachments[0].url, headers: { authorization: `Bearer ${(await makeApiToken(t.ctx.db, ['reports:read'])).token}` } });
      assert.equal(file.body, 'hello');
    });

    it('keeps the scope constraint in the database', async () => {
      const existing = await t.ctx.db.selectFrom('api_tokens').select(['program_id', 'actor_id']).executeTakeFirstOrThrow();
      await assert.rejects(
        t.ctx.db
          .insertInto('api_tokens')
          .values({ program_id: existing.program_id, name: 'bad', token_hash: Buffer.alloc(32, 1), scopes: ['reports:everything' as never], actor_id: existing.actor_id, created_by: null })
          .execute(),
        /check constraint|violates/,
      );
      await assert.rejects(
        t.ctx.db
          .insertInto('api_tokens')
          .values({ program_id: existing.program_id, name: 'empty', token_hash: Buffer.alloc(32, 2), scopes: [], actor_id: existing.actor_id, created_by: null })
          .execute(),
        /check constraint|violates/,
      );
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadTimeline } from '../../src/reports/read-report.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { makeReport } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from './api-helpers.ts';

// Issue 15: a report carries the team's CVSS 3.1 and 4.0 vectors; the API reads and writes both,
// and a refusal names the field it is about.
const V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

for (const kind of await databaseKinds()) {
  describe(`API: both CVSS vectors of a report, on ${kind}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      t = await startTestApp(kind);
      api = apiClient(t, (await makeApiToken(t.ctx.db)).token);
    });
    after(async () => {
      await t?.close();
    });

    it('writes a 3.1 and a 4.0 vector, reads both back, and records both in the timeline', async () => {
      const s = await makeReport(t.ctx.db);
      const set = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: V31, secondVector: V40 });
      assert.equal(set.status, 200, set.body);
      assert.deepEqual(set.json.severity, { vector: V31, score: 9.8, rating: 'critical', second: { vector: V40, score: 9.3, rating: 'critical' } });
      const read = await api.get(`/api/v1/reports/${s.reference}`);
      assert.deepEqual(read.json.severity.second, { vector: V40, score: 9.3, rating: 'critical' });
      const row = await t.ctx.db.selectFrom('reports').select(['team_cvss_vector', 'team_cvss_second_vector']).where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { team_cvss_vector: V31, team_cvss_second_vector: V40 });
      const event = (await loadTimeline(t.ctx.db, t.ctx.vault, s.id, 'staff', [])).find((e) => e.kind === 'event' && e.type === 'severity-set');
      assert.equal(event?.kind === 'event' && (event.data as { secondVector?: string }).secondVector, V40);
    });

    it('the 4.0 vector can rate the report with the 3.1 one beside it', async () => {
      const s = await makeReport(t.ctx.db);
      const set = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: V40, secondVector: V31 });
      assert.equal(set.status, 200, set.body);
      assert.equal(set.json.severity.vector, V40);
      assert.equal(set.json.severity.second.vector, V31);
    });

    it('keeps the second vector when it is absent, clears it with null, and with the first', async () => {
      const s = await makeReport(t.ctx.db);
      await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: V31, secondVector: V40 });
      const kept = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' });
      assert.equal(kept.json.severity.score, 7.5);
      assert.equal(kept.json.severity.second?.vector, V40, 'a client that does not know secondVector keeps it');
      const cleared = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: V31, secondVector: null });
      assert.equal(cleared.json.severity.second, null);
      await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: V31, secondVector: V40 });
      const none = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: null });
      assert.equal(none.json.severity, null);
      const row = await t.ctx.db.selectFrom('reports').select(['team_cvss_second_vector']).where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.equal(row.team_cvss_second_vector, null);
    });

    it('names the field in every refusal and stores nothing', async () => {
      const s = await makeReport(t.ctx.db);
      await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: V31 });
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ vector: 'CVSS:3.1/AV:N', secondVector: V40 }, 'vector', /not valid/],
        [{ vector: V31, secondVector: 'CVSS:4.0/AV:N' }, 'secondVector', /not valid/],
        [{ vector: V31, secondVector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, 'secondVector', /other version/],
        [{ vector: null, secondVector: V40 }, 'secondVector', /first/],
        [{ vector: V31, secondVector: 42 }, 'secondVector', /./],
      ];
      for (const [body, field, message] of cases) {
        const res = await api.post(`/api/v1/reports/${s.reference}/severity`, body);
        assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json.error.code, 'validation_failed');
        assert.deepEqual(Object.keys(res.json.error.fields), [field], JSON.stringify(res.json.error.fields));
        assert.match(res.json.error.fields[field], message);
      }
      const row = await t.ctx.db.selectFrom('reports').select(['team_cvss_vector', 'team_cvss_second_vector']).where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { team_cvss_vector: V31, team_cvss_second_vector: null });
    });

    it('documents secondVector in the OpenAPI document', async () => {
      const doc = await t.app.inject({ url: '/api/openapi.json' });
      assert.equal(doc.statusCode, 200);
      const text = doc.body;
      assert.match(text, /"secondVector"/);
      assert.match(text, /"second"/);
    });
  });
}

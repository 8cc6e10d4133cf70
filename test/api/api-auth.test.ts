import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_RATE_LIMIT, apiRateLimitKey } from '../../src/api/api-auth.ts';
import { revokeApiToken } from '../../src/api/tokens/api-tokens.ts';
import type { ApiScope } from '../../src/api/tokens/token-scopes.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { demo, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { ALL_SCOPES, apiClient, makeApiToken, otherProgram, submission } from './api-helpers.ts';

interface Case {
  name: string;
  method: 'GET' | 'POST';
  url: (ref: string, attachmentId: string) => string;
  body?: unknown;
  /** Scopes that do not allow this endpoint. */
  wrongScopes: ApiScope[];
  /** Whether it names one report (so another program's token gets 404). */
  perReport: boolean;
}

const CASES: Case[] = [
  { name: 'submit', method: 'POST', url: () => '/api/v1/reports', body: submission(), wrongScopes: ['reports:read', 'reports:write'], perReport: false },
  { name: 'list', method: 'GET', url: () => '/api/v1/reports', wrongScopes: ['reports:submit', 'reports:write'], perReport: false },
  { name: 'read', method: 'GET', url: (r) => `/api/v1/reports/${r}`, wrongScopes: ['reports:submit'], perReport: true },
  { name: 'thread', method: 'GET', url: (r) => `/api/v1/reports/${r}/messages`, wrongScopes: ['reports:submit', 'reports:write'], perReport: true },
  { name: 'post message', method: 'POST', url: (r) => `/api/v1/reports/${r}/messages`, body: { body: 'Thanks, we are on it.', visibility: 'reporter' }, wrongScopes: ['reports:submit', 'reports:read'], perReport: true },
  { name: 'state', method: 'POST', url: (r) => `/api/v1/reports/${r}/state`, body: { to: 'needs-info' }, wrongScopes: ['reports:submit', 'reports:read'], perReport: true },
  { name: 'assignee', method: 'POST', url: (r) => `/api/v1/reports/${r}/assignee`, body: { assignee: null }, wrongScopes: ['reports:submit', 'reports:read'], perReport: true },
  { name: 'severity', method: 'POST', url: (r) => `/api/v1/reports/${r}/severity`, body: { vector: null }, wrongScopes: ['reports:submit', 'reports:read'], perReport: true },
  { name: 'attachment', method: 'GET', url: (r, a) => `/api/v1/reports/${r}/attachments/${a}`, wrongScopes: ['reports:submit', 'reports:write'], perReport: true },
];

describe('API authentication and authorization', () => {
  let t: TestApp;
  let ref: string;
  let attachmentId: string;
  let revoked: string;
  let otherToken: string;

  before(async () => {
    t = await startTestApp();
    const program = await demo(t.ctx.db);
    const s = await submitReport(t.ctx.db, t.ctx.vault, {
      program,
      input: reportInput(program),
      files: [{ filename: 'poc.txt', contentType: 'text/plain', content: Buffer.from('proof') }],
      channel: 'web',
    });
    ref = s.reference;
    attachmentId = (await t.ctx.db.selectFrom('report_attachments').select('id').where('report_id', '=', s.id).executeTakeFirstOrThrow()).id;
    const r = await makeApiToken(t.ctx.db, ALL_SCOPES);
    await revokeApiToken(t.ctx.db, { programId: program.id, idOrName: r.id, revokedBy: null });
    revoked = r.token;
    otherToken = (await makeApiToken(t.ctx.db, ALL_SCOPES, { programId: (await otherProgram(t.ctx.db)).id })).token;
  });
  after(async () => {
    await t.close();
  });

  const send = (token: string | undefined, c: Case, headers?: Record<string, string>) => {
    const api = apiClient(t, token);
    const url = c.url(ref, attachmentId);
    return c.method === 'GET' ? api.get(url, headers) : api.post(url, c.body, headers);
  };

  for (const c of CASES) {
    it(`${c.name}: refuses a missing, malformed, unknown or revoked token with 401 unauthorized`, async () => {
      const missing = await send(undefined, c);
      assert.equal(missing.status, 401, missing.body);
      assert.equal(missing.json.error.code, 'unauthorized');
      assert.equal(missing.headers['www-authenticate'], 'Bearer realm="embargo"');
      assert.equal(missing.headers['cache-control'], 'no-store');
      for (const authorization of ['Bearer nonsense', `Bearer emb_${'A'.repeat(43)}`, `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${revoked}`]) {
        const res = await send(undefined, c, { authorization });
        assert.equal(res.status, 401, `${authorization}: ${res.body}`);
        assert.equal(res.json.error.code, 'unauthorized');
      }
      assert.match((await send(revoked, c)).json.error.message, /revoked/);
    });

    it(`${c.name}: refuses a token without the scope with 403 forbidden`, async () => {
      const { token } = await makeApiToken(t.ctx.db, c.wrongScopes);
      const res = await send(token, c);
      assert.equal(res.status, 403, res.body);
      assert.equal(res.json.error.code, 'forbidden');
    });

    if (c.perReport) {
      it(`${c.name}: answers 404 not_found for another program's report`, async () => {
        const res = await send(otherToken, c);
        assert.equal(res.status, 404, res.body);
        assert.equal(res.json.error.code, 'not_found');
      });
    }
  }

  it('checks the token before the body: no token and a bad body is 401, a wrong scope and a bad body 403', async () => {
    assert.equal((await apiClient(t).post('/api/v1/reports', '{not json')).status, 401);
    // over the body limit, yet 401: the body of an unauthenticated request is never read
    assert.equal((await apiClient(t).post('/api/v1/reports', submission({ description: 'x'.repeat(3 * 1024 * 1024) }))).status, 401);
    const { token } = await makeApiToken(t.ctx.db, ['reports:read']);
    assert.equal((await apiClient(t, token).post('/api/v1/reports', { title: '' })).status, 403);
  });

  it('lists and creates only within the token’s program', async () => {
    const other = apiClient(t, otherToken);
    const list = await other.get('/api/v1/reports');
    assert.equal(list.status, 200);
    assert.ok(!list.json.data.some((r: { reference: string }) => r.reference === ref));
    const created = await other.post('/api/v1/reports', submission());
    assert.equal(created.status, 201, created.body);
    assert.match(created.json.reference, /^OTH-/);
    assert.equal((await other.get(`/api/v1/reports/${created.json.reference}`)).status, 200);
    const { token } = await makeApiToken(t.ctx.db);
    assert.equal((await apiClient(t, token).get(`/api/v1/reports/${created.json.reference}`)).status, 404);
  });

  it('ignores a staff session cookie: the API takes bearer tokens only', async () => {
    const admin = await makeStaff(t.ctx.db, 'admin');
    const c = await Client.signedIn(t.app, admin);
    const res = await c.get('/api/v1/reports');
    assert.equal(res.statusCode, 401);
    assert.equal(JSON.parse(res.body).error.code, 'unauthorized');
  });

  it('rate-limits per token with 429 rate_limited and Retry-After', async () => {
    const limited = await makeApiToken(t.ctx.db, ['reports:read']);
    const fresh = await makeApiToken(t.ctx.db, ['reports:read']);
    await t.ctx.db
      .insertInto('rate_limits')
      .values({ key: apiRateLimitKey(limited.id), hits: API_RATE_LIMIT.max, window_ends_at: new Date(Date.now() + 60_000) })
      .execute();
    const res = await apiClient(t, limited.token).get('/api/v1/reports');
    assert.equal(res.status, 429, res.body);
    assert.equal(res.json.error.code, 'rate_limited');
    assert.ok(Number(res.headers['retry-after']) >= 1);
    // another token of the same program is unaffected
    assert.equal((await apiClient(t, fresh.token).get('/api/v1/reports')).status, 200);
  });

  it('records last use at most once a minute', async () => {
    const { id, token } = await makeApiToken(t.ctx.db, ['reports:read']);
    const lastUsed = async () => (await t.ctx.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
    assert.equal(await lastUsed(), null);
    await apiClient(t, token).get('/api/v1/reports');
    const first = await lastUsed();
    assert.ok(first);
    await apiClient(t, token).get('/api/v1/reports');
    assert.equal((await lastUsed())?.getTime(), first.getTime());
    const earlier = new Date(Date.now() - 120_000);
    await t.ctx.db.updateTable('api_tokens').set({ last_used_at: earlier }).where('id', '=', id).execute();
    await apiClient(t, token).get('/api/v1/reports');
    assert.ok((await lastUsed())!.getTime() > earlier.getTime());
  });

  it('never writes tokens to the log', async () => {
    const { token } = await makeApiToken(t.ctx.db);
    await apiClient(t, token).get('/api/v1/reports');
    await apiClient(t, `${token}x`).get('/api/v1/reports');
    assert.ok(!t.logText().includes(token.slice(4)), 'token in log');
    assert.ok(!t.logText().includes(revoked.slice(4)), 'revoked token in log');
  });
});

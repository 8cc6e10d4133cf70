import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient } from './api-helpers.ts';

async function signIn(t: TestApp, user: { email: string; password: string }): Promise<Client> {
  const c = await Client.signedIn(t.app, user);
  return c;
}

/** Form posts with repeated fields (several scopes), which postForm's object cannot express. */
async function postTokenForm(t: TestApp, c: Client, fields: [string, string][]) {
  return t.app.inject({
    method: 'POST',
    url: '/staff/api-tokens',
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

describe('staff API token page', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('is for administrators only', async () => {
    assert.equal((await new Client(t.app).get('/staff/api-tokens')).statusCode, 303, 'anonymous: sign in first');
    const triager = await signIn(t, await makeStaff(t.ctx.db, 'triager'));
    assert.equal((await triager.get('/staff/api-tokens')).statusCode, 403);
    const csrf = Client.csrf((await triager.get('/staff/reports')).body);
    assert.equal((await triager.postForm('/staff/api-tokens', { _csrf: csrf, name: 'sneaky', scopes: 'reports:read' })).statusCode, 403);
    assert.equal(await t.ctx.db.selectFrom('api_tokens').select('id').where('name', '=', 'sneaky').executeTakeFirst(), undefined);
  });

  it('creates a token shown once, lists it, and revokes it, each form CSRF-protected', async () => {
    const admin = await makeStaff(t.ctx.db, 'admin', 'Ad Min');
    const c = await signIn(t, admin);
    const page = await c.get('/staff/api-tokens');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    const csrf = Client.csrf(page.body);
    const program = /name="program" value="([^"]+)"/.exec(page.body)![1]!;

    assert.equal((await postTokenForm(t, c, [['name', 'Bridge'], ['scopes', 'reports:read']])).statusCode, 403, 'no CSRF token');
    const invalid = await postTokenForm(t, c, [['_csrf', csrf], ['program', program], ['name', ' ']]);
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /Give the token a name/);
    assert.match(invalid.body, /Choose at least one scope/);

    const created = await postTokenForm(t, c, [['_csrf', csrf], ['program', program], ['name', 'HackerOne bridge'], ['scopes', 'reports:submit'], ['scopes', 'reports:read']]);
    assert.equal(created.statusCode, 200, created.body);
    assert.equal(created.headers['cache-control'], 'no-store');
    const token = /<code>(emb_[A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1];
    assert.ok(token, 'the new token is shown');
    assert.match(created.body, /not shown again/);

    const dup = await postTokenForm(t, c, [['_csrf', csrf], ['program', program], ['name', 'hackerone BRIDGE'], ['scopes', 'reports:read']]);
    assert.equal(dup.statusCode, 422);
    assert.match(dup.body, /A token with this name exists/);

    assert.equal((await apiClient(t, token).get('/api/v1/reports')).status, 200);
    const list = await c.get('/staff/api-tokens');
    assert.ok(!list.body.includes(token), 'never shown again');
    assert.match(list.body, /HackerOne bridge/);
    assert.match(list.body, /by Ad Min/);
    assert.match(list.body, /reports:submit/);
    const row = await t.ctx.db.selectFrom('api_tokens').select(['id', 'created_by', 'scopes', 'last_used_at']).where('name', '=', 'HackerOne bridge').executeTakeFirstOrThrow();
    assert.equal(row.created_by, admin.id);
    assert.deepEqual(row.scopes, ['reports:submit', 'reports:read']);
    assert.ok(row.last_used_at);

    assert.equal((await c.postForm(`/staff/api-tokens/${row.id}/revoke`, {})).statusCode, 403, 'no CSRF token');
    const revoked = await c.postForm(`/staff/api-tokens/${row.id}/revoke`, { _csrf: csrf });
    assert.equal(revoked.statusCode, 303);
    assert.equal(revoked.headers.location, '/staff/api-tokens?done=revoked');
    assert.match((await c.get('/staff/api-tokens?done=revoked')).body, /Revoked/);
    const refused = await apiClient(t, token).get('/api/v1/reports');
    assert.equal(refused.status, 401);
    assert.match(refused.json.error.message, /revoked/);
    assert.equal((await c.postForm('/staff/api-tokens/not-a-uuid/revoke', { _csrf: csrf })).statusCode, 404);
    assert.ok(!t.logText().includes(token.slice(4)), 'token not logged');
  });

  it('records what the token does under its own name, never able to sign in', async () => {
    const row = await t.ctx.db
      .selectFrom('api_tokens as t')
      .innerJoin('staff_users as u', 'u.id', 't.actor_id')
      .select(['u.email', 'u.display_name', 'u.disabled_at'])
      .where('t.name', '=', 'HackerOne bridge')
      .executeTakeFirstOrThrow();
    assert.equal(row.display_name, 'API: HackerOne bridge');
    assert.ok(row.disabled_at);
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/staff/login')).body);
    assert.equal((await c.postForm('/staff/login', { _csrf: csrf, email: row.email, password: '!api-token' })).statusCode, 401);
    const memberships = await t.ctx.db.selectFrom('memberships as m').innerJoin('api_tokens as t', 't.actor_id', 'm.user_id').select('m.role').execute();
    assert.deepEqual(memberships, [], 'token accounts have no role anywhere');
  });
});

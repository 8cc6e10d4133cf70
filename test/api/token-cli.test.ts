import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { submission } from './api-helpers.ts';

describe('embargo token create / list / revoke', () => {
  let server: EmbargoProcess | undefined;
  after(async () => {
    await server?.stop();
    server?.removeFiles();
  });

  it('works through the running server’s admin socket, and directly once it stopped', async () => {
    server = await startEmbargo();
    const env = { EMBARGO_DATA_DIR: server.dataDir, EMBARGO_CONFIG: server.env.EMBARGO_CONFIG! };

    const tooEarly = await runCli(['token', 'create', '--name', 'CI bot'], env);
    assert.equal(tooEarly.code, 1);
    assert.match(tooEarly.stderr, /Create the first administrator before creating API tokens/);

    assert.equal((await runCli(['user', 'add', '--email', 'admin@example.com', '--role', 'admin'], env, 'a very long passphrase\n')).code, 0);

    const created = await runCli(['token', 'create', '--name', 'CI bot', '--scope', 'reports:submit', '--scope', 'reports:read'], env);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^emb_[A-Za-z0-9_-]{43}$/, 'only the token on standard output');
    assert.match(created.stderr, /Created API token "CI bot" .* with scopes: reports:submit, reports:read/);
    assert.match(created.stderr, /shown only this once/);

    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const submitted = await fetch(`${server.baseUrl}/api/v1/reports`, { method: 'POST', headers, body: JSON.stringify(submission()) });
    assert.equal(submitted.status, 201);
    const { reference } = (await submitted.json()) as { reference: string };
    assert.equal((await fetch(`${server.baseUrl}/api/v1/reports/${reference}`, { headers })).status, 200);

    const badScope = await runCli(['token', 'create', '--name', 'other', '--scope', 'reports:everything'], env);
    assert.equal(badScope.code, 1);
    assert.match(badScope.stderr, /Scopes are reports:submit, reports:read, reports:write/);
    const noName = await runCli(['token', 'create'], env);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /--name is required/);

    const list = await runCli(['token', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /CI bot {2}\[reports:submit reports:read\] {2}created .* by CLI {2}last used 20/);
    assert.ok(!list.stdout.includes(token));

    const revoked = await runCli(['token', 'revoke', 'ci BOT'], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    const refused = await fetch(`${server.baseUrl}/api/v1/reports/${reference}`, { headers });
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'unauthorized');
    const again = await runCli(['token', 'revoke', 'CI bot'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No live token "CI bot"/);

    assert.equal(await server.stop(), 0);
    assert.ok(!server.stdout().includes(token.slice(4)) && !server.stderr().includes(token.slice(4)), 'token not in the server log');
    const offline = await runCli(['token', 'list'], env);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /CI bot .* revoked 20/);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';

async function canSignIn(url: string, email: string, password: string): Promise<boolean> {
  const page = await fetch(`${url}/staff/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
  return res.status === 303;
}

describe('embargo user list|set-role|deactivate|reactivate', () => {
  let server: EmbargoProcess | undefined;
  after(async () => {
    await server?.stop();
    server?.removeFiles();
  });

  it('manages accounts through the running server, keeps the last admin, and works on the database once it stopped', async () => {
    server = await startEmbargo();
    const env = { EMBARGO_DATA_DIR: server.dataDir, EMBARGO_CONFIG: server.env.EMBARGO_CONFIG! };
    const pw = 'a very long passphrase';
    assert.equal((await runCli(['user', 'add', '--email', 'alice@example.com', '--role', 'admin', '--name', 'Alice'], env, `${pw}\n`)).code, 0);
    assert.equal((await runCli(['user', 'add', '--email', 'bob@example.com', '--role', 'triager', '--name', 'Bob'], env, `${pw}\n`)).code, 0);

    const list = await runCli(['user', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /alice@example\.com\tAlice\tactive\texample:admin/);
    assert.match(list.stdout, /bob@example\.com\tBob\tactive\texample:triager/);

    const promote = await runCli(['user', 'set-role', '--email', 'bob@example.com', '--role', 'lead'], env);
    assert.equal(promote.code, 0, promote.stderr);
    assert.match(promote.stdout, /bob@example\.com now has the role lead in example/);
    assert.match((await runCli(['user', 'list'], env)).stdout, /bob@example\.com\tBob\tactive\texample:lead/);

    const badRole = await runCli(['user', 'set-role', '--email', 'bob@example.com', '--role', 'god'], env);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /Choose a role/);
    const unknown = await runCli(['user', 'deactivate', '--email', 'nobody@example.com'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No staff account with the e-mail nobody@example\.com/);

    const lastAdmin = await runCli(['user', 'deactivate', '--email', 'alice@example.com'], env);
    assert.equal(lastAdmin.code, 1);
    assert.match(lastAdmin.stderr, /Alice is the last active admin of Example/);
    const demote = await runCli(['user', 'set-role', '--email', 'alice@example.com', '--role', 'viewer'], env);
    assert.equal(demote.code, 1);
    assert.match(demote.stderr, /last active admin/);

    assert.ok(await canSignIn(server.baseUrl, 'bob@example.com', pw));
    const off = await runCli(['user', 'deactivate', '--email', 'bob@example.com'], env);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /Deactivated bob@example\.com/);
    assert.equal(await canSignIn(server.baseUrl, 'bob@example.com', pw), false);
    assert.match((await runCli(['user', 'list'], env)).stdout, /bob@example\.com\tBob\tdeactivated/);

    assert.equal(await server.stop(), 0);
    // Without a running server the same commands work directly on the database.
    const back = await runCli(['user', 'reactivate', '--email', 'bob@example.com'], env);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /Reactivated bob@example\.com/);
    server = await startEmbargo({ tempDir: server.tempDir });
    assert.ok(await canSignIn(server.baseUrl, 'bob@example.com', pw));
  });

  it('explains its usage', async () => {
    const res = await runCli(['user', 'set-role', '--email', 'x@example.com'], { EMBARGO_DATA_DIR: '/nonexistent' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--email and --role are required/);
    assert.match(res.stderr, /user deactivate --email E/);
  });
});

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
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

describe('embargo user add on the embedded database', () => {
  let server: EmbargoProcess | undefined;
  after(async () => {
    await server?.stop();
    server?.removeFiles();
  });

  it('asks the running server through its admin socket, then works directly once it stopped', async () => {
    server = await startEmbargo();
    assert.match(server.stdout(), /Create the first administrator here \(one-time link/);
    const env = { EMBARGO_DATA_DIR: server.dataDir, EMBARGO_CONFIG: server.env.EMBARGO_CONFIG! };

    const added = await runCli(['user', 'add', '--email', 'alice@example.com', '--role', 'admin', '--name', 'Alice'], env, 'a very long passphrase\n');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Created admin account alice@example.com/);
    assert.ok(await canSignIn(server.baseUrl, 'alice@example.com', 'a very long passphrase'));

    const duplicate = await runCli(['user', 'add', '--email', 'ALICE@example.com', '--role', 'triager'], env, 'another long passphrase\n');
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);

    const weak = await runCli(['user', 'add', '--email', 'bob@example.com', '--role', 'triager'], env, 'short\n');
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /at least 12 characters/);

    const badRole = await runCli(['user', 'add', '--email', 'bob@example.com', '--role', 'god'], env, 'a very long passphrase\n');
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /Role must be/);

    // a second server on the same directory is refused, and the first keeps running
    const second = await runCli(['serve'], { ...server.env, PORT: '0' });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /data directory is in use by process/);
    assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200);

    assert.equal(await server.stop(), 0);
    assert.ok(!existsSync(path.join(server.dataDir, 'embargo.lock')), 'lock released on shutdown');
    assert.ok(!existsSync(path.join(server.dataDir, 'admin.sock')), 'socket removed on shutdown');

    const offline = await runCli(['user', 'add', '--email', 'carol@example.com', '--role', 'triager'], env, 'carol long passphrase\n');
    assert.equal(offline.code, 0, offline.stderr);

    // the restarted server sees both accounts and no longer offers a setup link
    server = await startEmbargo({ tempDir: server.tempDir });
    assert.doesNotMatch(server.stdout(), /first administrator/);
    assert.ok(await canSignIn(server.baseUrl, 'carol@example.com', 'carol long passphrase'));
    assert.ok(await canSignIn(server.baseUrl, 'alice@example.com', 'a very long passphrase'));
  });
});

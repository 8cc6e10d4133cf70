import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { activeKeyInfo } from '../../src/keys/program-keys.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { demo } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { Gpg } from './gpg-helper.ts';

/** z-base-32 as the WKD draft §3.1 describes it, written here independently of src/. */
function zbase32(data: Buffer): string {
  const alphabet = 'ybndrfg8ejkmcpqxot1uwisza345h769';
  const bits = [...data].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

/** The URL a WKD client builds for an address (direct method). */
function wkdPath(address: string): string {
  const [local] = address.split('@') as [string, string];
  const hash = zbase32(createHash('sha1').update(local.toLowerCase()).digest());
  return `/.well-known/openpgpkey/hu/${hash}?l=${encodeURIComponent(local)}`;
}

describe('Web Key Directory', () => {
  let t: TestApp;
  let gpg: Gpg;
  before(async () => {
    t = await startTestApp(undefined, { EMBARGO_BASE_URL: 'http://127.0.0.1:3000' });
    await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], t.ctx.logger);
    gpg = new Gpg();
  });
  after(async () => {
    gpg?.close();
    await t?.close();
  });

  it('serves the program key where a client looks for security@example.com, for GnuPG to import', async () => {
    const url = wkdPath('security@example.com');
    const res = await t.app.inject({ url, headers: { host: 'example.com' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.notEqual(res.rawPayload[0], 0x2d, 'binary, not armored');
    await gpg.ok(['--import'], res.rawPayload);
    const program = await demo(t.ctx.db);
    assert.deepEqual(await gpg.fingerprints(), [(await activeKeyInfo(t.ctx.db, program.id))!.fingerprint]);

    // GnuPG computes the same hash for the key's user ID
    const listed = (await gpg.ok(['--with-wkd-hash', '--list-keys'])).stdout.toString();
    assert.ok(listed.includes(`${url.split('/hu/')[1]!.split('?')[0]}@example.com`), listed);
  });

  it('matches the local part case-insensitively and ignores ?l=, as clients expect', async () => {
    const upper = wkdPath('SECURITY@example.com');
    assert.equal(upper, wkdPath('security@example.com').replace('l=security', 'l=SECURITY'));
    assert.equal((await t.app.inject({ url: upper, headers: { host: 'example.com' } })).statusCode, 200);
    assert.equal((await t.app.inject({ url: upper.split('?')[0]!, headers: { host: 'example.com' } })).statusCode, 200);
  });

  it('answers 404 for other addresses, other domains and malformed hashes', async () => {
    const other = await t.app.inject({ url: wkdPath('ceo@example.com'), headers: { host: 'example.com' } });
    assert.equal(other.statusCode, 404);
    const wrongHost = await t.app.inject({ url: wkdPath('security@example.com'), headers: { host: 'example.org' } });
    assert.equal(wrongHost.statusCode, 404);
    const junk = await t.app.inject({ url: '/.well-known/openpgpkey/hu/..%2f..%2fetc', headers: { host: 'example.com' } });
    assert.equal(junk.statusCode, 404);
  });

  it('offers the advanced method under the domain, and the policy file', async () => {
    const advanced = wkdPath('security@example.com').replace('/openpgpkey/hu/', '/openpgpkey/example.com/hu/');
    assert.equal((await t.app.inject({ url: advanced, headers: { host: 'openpgpkey.example.com' } })).statusCode, 200);
    assert.equal((await t.app.inject({ url: advanced.replace('example.com/hu', 'example.org/hu') })).statusCode, 404);
    for (const url of ['/.well-known/openpgpkey/policy', '/.well-known/openpgpkey/example.com/policy']) {
      const policy = await t.app.inject({ url });
      assert.equal(policy.statusCode, 200);
      assert.equal(policy.body, '');
    }
  });

  it('serves the direct method on the base URL host whatever the Host header', async () => {
    const https = await startTestApp(undefined, { EMBARGO_BASE_URL: 'https://example.com' });
    try {
      await ensureProgramKeys(https.ctx.db, https.ctx.secret, ['example'], https.ctx.logger);
      assert.equal((await https.app.inject({ url: wkdPath('security@example.com') })).statusCode, 200);
    } finally {
      await https.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSecurityTxt } from '../../src/domain/security-txt.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { Gpg } from './gpg-helper.ts';
import { parseExpires, parseSecurityTxt } from './rfc9116-parser.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

describe('security.txt generator', () => {
  const now = new Date('2026-11-23T12:00:00.123Z');
  const base = { baseUrl: 'https://security.example.com', contactEmail: 'psirt@example.com', hasKey: true, hasThanksPage: true, now };

  it('writes every field RFC 9116 defines that Embargo can fill, with https URIs', () => {
    const parsed = parseSecurityTxt(buildSecurityTxt(base));
    assert.deepEqual(parsed.fields.get('contact'), ['mailto:psirt@example.com', 'https://security.example.com/report']);
    assert.deepEqual(parsed.fields.get('encryption'), ['https://security.example.com/pgp-key.txt']);
    assert.deepEqual(parsed.fields.get('policy'), ['https://security.example.com/policy']);
    assert.deepEqual(parsed.fields.get('acknowledgments'), ['https://security.example.com/thanks']);
    assert.deepEqual(parsed.fields.get('canonical'), ['https://security.example.com/.well-known/security.txt']);
    assert.deepEqual(parsed.fields.get('preferred-languages'), ['en']);
    // CSAF 2.0 §7.1.8 (requirement 8): the provider metadata announced in security.txt.
    assert.deepEqual(parsed.fields.get('csaf'), ['https://security.example.com/.well-known/csaf/provider-metadata.json']);
    for (const [name, values] of parsed.fields) {
      if (name === 'expires' || name === 'preferred-languages') continue;
      for (const v of values) assert.match(v, /^(https:\/\/|mailto:)/, `${name}: ${v}`);
    }
    const expires = parseExpires(parsed.fields.get('expires')![0]!);
    assert.ok(expires > now && expires.getTime() - now.getTime() < YEAR_MS);
    assert.equal(parsed.fields.get('expires')![0], '2027-05-22T12:00:00Z', 'whole seconds, UTC');
  });

  it('follows the configured contact order and languages, and leaves out what does not exist', () => {
    const parsed = parseSecurityTxt(
      buildSecurityTxt({ ...base, contactOrder: ['form'], preferredLanguages: ['nl', 'en'], hasKey: false, hasThanksPage: false }),
    );
    assert.deepEqual(parsed.fields.get('contact'), ['https://security.example.com/report']);
    assert.deepEqual(parsed.fields.get('preferred-languages'), ['nl, en']);
    assert.equal(parsed.fields.get('encryption'), undefined);
    assert.equal(parsed.fields.get('acknowledgments'), undefined);
    const reversed = parseSecurityTxt(buildSecurityTxt({ ...base, contactOrder: ['form', 'email'] }));
    assert.deepEqual(reversed.fields.get('contact'), ['https://security.example.com/report', 'mailto:psirt@example.com']);
  });
});

for (const kind of await databaseKinds()) {
  describe(`served security.txt (${kind})`, () => {
    let t: TestApp;
    let gpg: Gpg;
    const baseUrl = 'http://127.0.0.1:3000';
    before(async () => {
      t = await startTestApp(kind, { EMBARGO_BASE_URL: baseUrl });
      gpg = new Gpg();
    });
    after(async () => {
      gpg?.close();
      await t?.close();
    });

    it('is unsigned but valid before the program has a key', async () => {
      const res = await t.app.inject({ url: '/.well-known/security.txt' });
      assert.equal(res.statusCode, 200);
      const parsed = parseSecurityTxt(res.body);
      assert.equal(parsed.signed, false);
      assert.equal(parsed.fields.get('encryption'), undefined);
      assert.equal((await t.app.inject({ url: '/pgp-key.txt' })).statusCode, 404);
    });

    it('is signed by the program key, verifiable by GnuPG with the key from /pgp-key.txt', async () => {
      await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], t.ctx.logger);
      const key = await t.app.inject({ url: '/pgp-key.txt' });
      assert.equal(key.statusCode, 200);
      assert.match(key.body, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      assert.doesNotMatch(key.body, /PRIVATE KEY/);
      await gpg.ok(['--import'], key.body);

      for (const url of ['/.well-known/security.txt', '/security.txt']) {
        const res = await t.app.inject({ url });
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
        const parsed = parseSecurityTxt(res.body);
        assert.ok(parsed.signed);
        assert.ok(parsed.hashHeaders.length > 0, 'the Hash: armor header RFC 9116 parsers expect');
        assert.deepEqual(parsed.fields.get('contact'), ['mailto:security@example.com', `${baseUrl}/report`]);
        assert.deepEqual(parsed.fields.get('encryption'), [`${baseUrl}/pgp-key.txt`]);
        assert.deepEqual(parsed.fields.get('policy'), [`${baseUrl}/policy`]);
        assert.deepEqual(parsed.fields.get('canonical'), [`${baseUrl}/.well-known/security.txt`]);
        // The CSAF field names the provider metadata that this instance serves.
        assert.deepEqual(parsed.fields.get('csaf'), [`${baseUrl}/.well-known/csaf/provider-metadata.json`]);
        assert.equal((await t.app.inject({ url: new URL(parsed.fields.get('csaf')![0]!).pathname })).statusCode, 200);
        const expires = parseExpires(parsed.fields.get('expires')![0]!);
        assert.ok(expires.getTime() > Date.now() + 30 * 24 * 3600 * 1000, 'well in the future');
        assert.ok(expires.getTime() < Date.now() + YEAR_MS, 'less than a year ahead');

        const verify = await gpg.run(['--status-fd', '1', '--verify'], res.body);
        assert.equal(verify.code, 0, verify.stderr);
        const [fpr] = await gpg.fingerprints();
        assert.match(verify.stdout.toString(), new RegExp(`\\[GNUPG:\\] VALIDSIG ${fpr}`));
        // and a changed byte breaks it
        const tampered = await gpg.run(['--verify'], res.body.replace('Policy: ', 'Policy: x'));
        assert.notEqual(tampered.code, 0);
      }
    });
  });
}

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { composeMail } from '../../src/mail/compose.ts';
import { Gpg } from '../keys/gpg-helper.ts';

/** The first body part of a multipart message exactly as sent (RFC 3156 §5: what the signature covers). */
function firstPartBytes(raw: string): { boundary: string; signed: string; signature: string } {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1] ?? assert.fail('no boundary');
  const parts = raw.split(`\r\n--${boundary}`);
  // parts[0] ends the headers and preamble; parts[1] starts with CRLF then the first entity.
  const signed = parts[1]!.replace(/^\r\n/, '');
  const signature = /-----BEGIN PGP SIGNATURE-----[\s\S]+?-----END PGP SIGNATURE-----/.exec(parts[2]!)?.[0] ?? assert.fail('no signature');
  return { boundary, signed, signature };
}

describe('PGP/MIME signed mail (RFC 3156 §5)', () => {
  it('is multipart/signed with a detached signature GnuPG verifies over the text part as sent', async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Example Corp', email: 'security@example.com' }], format: 'object' });
    const text = 'Advisory EMB-SA-2026-0001 — ünïcødé, a line starting with From and a long line that is long enough to be wrapped by quoted-printable encoding, surely, at 76 characters.\n\n--\nTrailing dashes and spaces   \n';
    const raw = (await composeMail({ from: 'Example Corp <security@example.com>', to: 'customer@example.org', subject: 'Signed — advisory', text, messageId: 'id-1@example.com', sign: privateKey })).toString('latin1');
    assert.match(raw, /^Content-Type: multipart\/signed; micalg=pgp-sha\d+;\s+protocol="application\/pgp-signature"/m);
    const { signed, signature } = firstPartBytes(raw);
    const [headers = ''] = signed.split('\r\n\r\n', 1);
    assert.deepEqual(headers.split('\r\n').sort(), ['Content-Transfer-Encoding: quoted-printable', 'Content-Type: text/plain; charset=utf-8'], 'only the Content-* headers are signed');
    assert.doesNotMatch(signed, /(^|[^\r])\n/, 'CRLF line ends only');

    const gpg = new Gpg();
    try {
      await gpg.ok(['--import'], publicKey.armor());
      const dir = mkdtempSync(path.join(tmpdir(), 'embargo-signed-'));
      writeFileSync(path.join(dir, 'part'), Buffer.from(signed, 'latin1'));
      writeFileSync(path.join(dir, 'part.asc'), signature);
      const verified = await gpg.run(['--verify', path.join(dir, 'part.asc'), path.join(dir, 'part')]);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stderr, /Good signature from "Example Corp <security@example.com>"/);
      writeFileSync(path.join(dir, 'part'), Buffer.from(signed.replace('EMB-SA-2026-0001', 'EMB-SA-2026-0002'), 'latin1'));
      assert.notEqual((await gpg.run(['--verify', path.join(dir, 'part.asc'), path.join(dir, 'part')])).code, 0, 'a changed text fails');
    } finally {
      gpg.close();
    }
    // A mail reader shows the text as written.
    const parsed = await simpleParser(Buffer.from(raw, 'latin1'));
    assert.equal(parsed.subject, 'Signed — advisory');
    assert.equal(parsed.text?.replace(/\r\n/g, '\n').trim(), text.trim());
  });
});

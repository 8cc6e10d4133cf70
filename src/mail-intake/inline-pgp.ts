import type * as openpgp from 'openpgp';
import type { UploadedFile } from '../reports/attachments.ts';
import { decryptBytes, verifyCleartext, type PgpLimits, type SignatureCheck } from './pgp-crypto.ts';

export interface InlineResult {
  text: string;
  files: UploadedFile[];
  decrypted: number;
  failures: string[];
  checks: SignatureCheck[];
}

const MESSAGE_BLOCK = /-----BEGIN PGP MESSAGE-----[\s\S]*?(?:-----END PGP MESSAGE-----|$)/g;
const SIGNED_BLOCK = /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?-----END PGP SIGNATURE-----/g;
const ENCRYPTED_NAME = /\.(pgp|gpg|asc)$/i;

async function replaceAsync(text: string, re: RegExp, fn: (m: string) => Promise<string>): Promise<string> {
  const matches = [...text.matchAll(re)];
  let out = '';
  let last = 0;
  for (const m of matches) {
    out += text.slice(last, m.index) + (await fn(m[0]));
    last = m.index + m[0].length;
  }
  return out + text.slice(last);
}

/** An attachment that holds an OpenPGP message (armored, or binary with a packet tag) rather than, say, a key. */
function looksEncrypted(file: UploadedFile): boolean {
  const head = file.content.subarray(0, 64).toString('latin1');
  if (head.includes('-----BEGIN PGP MESSAGE-----')) return true;
  return ENCRYPTED_NAME.test(file.filename) && /pgp-encrypted|octet-stream/i.test(file.contentType) && ((file.content[0] ?? 0) & 0x80) !== 0;
}

/**
 * Inline PGP (RFC 4880 armor in the body, as mutt, Enigmail's inline mode and
 * webmail plugins send it): encrypted blocks are replaced by their plaintext,
 * cleartext-signed blocks by the text they sign, and `*.pgp`/`*.gpg`/armored
 * attachments by their decrypted content. A block that cannot be opened stays
 * as it was, so nothing is lost, and its reason is reported.
 */
export async function openInline(
  text: string,
  files: UploadedFile[],
  keys: openpgp.PrivateKey[],
  verificationKeys: openpgp.PublicKey[],
  limits: PgpLimits,
): Promise<InlineResult> {
  const result: InlineResult = { text, files: [], decrypted: 0, failures: [], checks: [] };
  result.text = await replaceAsync(text, MESSAGE_BLOCK, async (block) => {
    const opened = await decryptBytes(Buffer.from(block, 'latin1'), keys, verificationKeys, limits);
    if (!opened.ok) {
      result.failures.push(opened.detail);
      return block;
    }
    result.decrypted++;
    result.checks.push(...opened.checks);
    return opened.data.toString('utf8');
  });
  // After decryption, so a signed block inside an encrypted one is checked too.
  result.text = await replaceAsync(result.text, SIGNED_BLOCK, async (block) => {
    const verified = await verifyCleartext(block, verificationKeys);
    if (!verified) {
      result.checks.push({ status: 'invalid' });
      return block;
    }
    result.checks.push(...verified.checks);
    return verified.text;
  });
  for (const file of files) {
    if (!looksEncrypted(file)) {
      result.files.push(file);
      continue;
    }
    const opened = await decryptBytes(file.content, keys, verificationKeys, limits);
    if (!opened.ok) {
      result.failures.push(`attachment ${file.filename}: ${opened.detail}`);
      result.files.push(file);
      continue;
    }
    result.decrypted++;
    result.checks.push(...opened.checks);
    result.files.push({ filename: file.filename.replace(ENCRYPTED_NAME, '') || 'attachment', contentType: 'application/octet-stream', content: opened.data });
  }
  return result;
}

import type * as openpgp from 'openpgp';
import { openpgpLib } from '../keys/openpgp-lib.ts';
import type { MailSignature } from '../db/schema.ts';
import { OPENPGP_CONFIG } from '../keys/key-protection.ts';

/** Limits for untrusted OpenPGP data. */
export interface PgpLimits {
  /** A compressed packet may not inflate beyond this (an OpenPGP "zip bomb" ends here, not in an out-of-memory crash). */
  maxDecompressedBytes: number;
}

export interface SignatureCheck {
  status: Exclude<MailSignature, 'unsigned'>;
  fingerprint?: string;
  /** The signer key's user IDs ("Name <address>"), when we hold the key. */
  userIds?: string[];
}

export type Decrypted =
  | { ok: true; data: Buffer; signed: boolean; checks: SignatureCheck[] }
  /** `tooLarge`: the plaintext would exceed `maxDecompressedBytes`, so the caller can say "too large" rather than "damaged". */
  | { ok: false; detail: string; tooLarge?: true };

/** openpgp's per-signature result (not exported by name from its types). */
type VerificationResult = Awaited<ReturnType<typeof openpgp.verify>>['signatures'][number];

/**
 * What a compressed packet holds besides the plaintext: the literal packet's
 * header, file name and partial-length markers, and signatures. Allowed on
 * top of the budget while inflating, so a file of exactly the limit passes;
 * the plaintext itself is then held to the budget exactly.
 */
const PACKET_FRAMING_BYTES = 64 * 1024;

const hex = (ids: openpgp.KeyID[]) => ids.map((id) => id.toHex().toUpperCase()).join(', ');

/** Reads armored or binary OpenPGP message bytes; undefined with a reason when they are damaged. */
export async function readPgpMessage(bytes: Buffer): Promise<{ message: openpgp.Message<Uint8Array> } | { detail: string }> {
  const pgp = await openpgpLib();
  const text = bytes.toString('latin1');
  try {
    if (text.includes('-----BEGIN PGP MESSAGE-----')) {
      if (!text.includes('-----END PGP MESSAGE-----')) return { detail: 'the OpenPGP armor is truncated (no END PGP MESSAGE line)' };
      return { message: (await pgp.readMessage({ armoredMessage: text, config: OPENPGP_CONFIG })) as openpgp.Message<Uint8Array> };
    }
    return { message: await pgp.readMessage({ binaryMessage: new Uint8Array(bytes), config: OPENPGP_CONFIG }) };
  } catch (err) {
    return { detail: `the OpenPGP data is damaged (${(err as Error).message})` };
  }
}

/**
 * Decrypts with the program's keys: the one way Embargo opens OpenPGP data
 * a stranger sent (mail intake and the browser-encrypted web form).
 * Signatures inside are checked against `verificationKeys`; callers that
 * learn the sender's key only from the decrypted content (a key attached
 * inside) call again with it. The plaintext never exceeds
 * `limits.maxDecompressedBytes`: openpgp counts inflated bytes as the
 * decompressor yields them and stops there, so a small "zip bomb" costs at
 * most that budget; the size check after decryption catches uncompressed
 * data, which is bounded by the input anyway.
 */
export async function decryptBytes(
  bytes: Buffer,
  decryptionKeys: openpgp.PrivateKey[],
  verificationKeys: openpgp.PublicKey[],
  limits: PgpLimits,
): Promise<Decrypted> {
  const pgp = await openpgpLib();
  const read = await readPgpMessage(bytes);
  if ('detail' in read) return { ok: false, detail: read.detail };
  const { message } = read;
  const recipients = message.getEncryptionKeyIDs();
  const ours = new Set(decryptionKeys.flatMap((k) => k.getKeyIDs().map((id) => id.toHex())));
  // An all-zero key ID is an anonymous recipient (gpg --throw-keyids): try our keys on it.
  if (recipients.length > 0 && !recipients.some((id) => ours.has(id.toHex()) || /^0+$/.test(id.toHex()))) {
    return { ok: false, detail: `it is encrypted to key ID ${hex(recipients)}, which is not a key of this program` };
  }
  if (decryptionKeys.length === 0) return { ok: false, detail: 'this program has no private key to decrypt with' };
  try {
    const result = await pgp.decrypt({
      message,
      decryptionKeys,
      ...(verificationKeys.length ? { verificationKeys } : {}),
      format: 'binary',
      config: { ...OPENPGP_CONFIG, maxDecompressedMessageSize: limits.maxDecompressedBytes + PACKET_FRAMING_BYTES },
    });
    if (result.data.length > limits.maxDecompressedBytes) return tooLarge(limits);
    const data = Buffer.from(result.data);
    return { ok: true, data, signed: result.signatures.length > 0, checks: await checkSignatures(result.signatures, verificationKeys) };
  } catch (err) {
    const msg = (err as Error).message;
    if (/decompress|too large|exceed/i.test(msg)) return tooLarge(limits);
    return { ok: false, detail: `decryption failed (${msg})` };
  }
}

const tooLarge = (limits: PgpLimits): Decrypted => ({ ok: false, tooLarge: true, detail: `it inflates beyond ${limits.maxDecompressedBytes} bytes when decrypted` });

/** Outcome of openpgp's verification results, naming the signer when we hold their key. */
export async function checkSignatures(signatures: VerificationResult[], keys: openpgp.PublicKey[]): Promise<SignatureCheck[]> {
  return Promise.all(
    signatures.map(async (s): Promise<SignatureCheck> => {
      const signer = keys.find((k) => k.getKeys(s.keyID).length > 0);
      try {
        await s.verified;
        return { status: 'valid', ...(signer ? { fingerprint: signer.getFingerprint().toLowerCase(), userIds: signer.getUserIDs() } : {}) };
      } catch (err) {
        if (!signer || /could not find signing key/i.test((err as Error).message)) return { status: 'unknown-key' };
        return { status: 'invalid', fingerprint: signer.getFingerprint().toLowerCase(), userIds: signer.getUserIDs() };
      }
    }),
  );
}

/** A detached signature (PGP/MIME multipart/signed) over `signed`, already CRLF-canonical. */
export async function verifyDetached(signed: Buffer, signatureBytes: Buffer, keys: openpgp.PublicKey[]): Promise<SignatureCheck[]> {
  const pgp = await openpgpLib();
  try {
    const text = signatureBytes.toString('latin1');
    const signature = text.includes('-----BEGIN PGP SIGNATURE-----')
      ? await pgp.readSignature({ armoredSignature: text })
      : await pgp.readSignature({ binarySignature: new Uint8Array(signatureBytes) });
    const message = await pgp.createMessage({ binary: new Uint8Array(signed) });
    const result = await pgp.verify({ message, signature, verificationKeys: keys, format: 'binary', config: OPENPGP_CONFIG });
    return checkSignatures(result.signatures, keys);
  } catch {
    return [{ status: 'invalid' }];
  }
}

/** A cleartext-signed block (inline PGP): the text it vouches for, and the check. */
export async function verifyCleartext(armored: string, keys: openpgp.PublicKey[]): Promise<{ text: string; checks: SignatureCheck[] } | undefined> {
  const pgp = await openpgpLib();
  try {
    const message = await pgp.readCleartextMessage({ cleartextMessage: armored });
    const result = await pgp.verify({ message, verificationKeys: keys, config: OPENPGP_CONFIG });
    return { text: message.getText(), checks: await checkSignatures(result.signatures, keys) };
  } catch {
    return undefined;
  }
}

/** Public keys found in the mail (attached or pasted); unreadable or secret blocks are skipped. */
export async function readPublicKeys(texts: string[]): Promise<openpgp.PublicKey[]> {
  const pgp = await openpgpLib();
  const found: openpgp.PublicKey[] = [];
  for (const text of texts) {
    for (const block of text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? []) {
      try {
        const keys = await pgp.readKeys({ armoredKeys: block });
        for (const k of keys) if (!k.isPrivate()) found.push(k as openpgp.PublicKey);
      } catch {
        /* not a key we can read: it stays an ordinary attachment */
      }
    }
  }
  return found;
}

/** The overall signature verdict of several checks: any invalid wins, then valid, then unknown key. */
export function combineChecks(checks: SignatureCheck[]): { signature: MailSignature; fingerprint?: string; userIds?: string[] } {
  const pick = (s: SignatureCheck['status']) => checks.find((c) => c.status === s);
  const chosen = pick('invalid') ?? pick('valid') ?? pick('unknown-key');
  if (!chosen) return { signature: 'unsigned' };
  return { signature: chosen.status, ...(chosen.fingerprint ? { fingerprint: chosen.fingerprint } : {}), ...(chosen.userIds ? { userIds: chosen.userIds } : {}) };
}

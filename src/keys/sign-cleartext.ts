import type * as openpgp from 'openpgp';
import { openpgpLib } from './openpgp-lib.ts';
import type { Db } from '../db/database.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { OPENPGP_CONFIG, unlockKey } from './key-protection.ts';
import { activeKey, type StoredKey } from './program-keys.ts';

/**
 * Signs `text` as an OpenPGP cleartext message (RFC 9580 §7) with the
 * program's active key; undefined when the program has no key.
 */
export async function signCleartext(db: Db, secret: InstanceSecret, programId: string, text: string): Promise<string | undefined> {
  const stored = await activeKey(db, programId);
  return stored && signCleartextWith(secret, stored, text);
}

/**
 * Signs with a given stored key. Program keys are v4, so the armor carries the
 * `Hash:` header RFC 9116 parsers look for. A line ending in whitespace is
 * refused: cleartext signatures ignore trailing whitespace, so a verifier
 * would accept text that differs from what a reader sees.
 */
export async function signCleartextWith(secret: InstanceSecret, stored: StoredKey, text: string): Promise<string> {
  const pgp = await openpgpLib();
  if (/[ \t]$/m.test(text)) throw new Error('signCleartext: a line ends in whitespace, which the signature would not cover.');
  const signingKey = await unlockKey(secret, stored);
  const message = await pgp.createCleartextMessage({ text });
  return pgp.sign({ message, signingKeys: signingKey, config: OPENPGP_CONFIG });
}

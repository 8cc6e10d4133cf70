import * as openpgp from 'openpgp';
import type { Db } from '../db/database.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { OPENPGP_CONFIG, unlockKey } from './key-protection.ts';
import { activeKey } from './program-keys.ts';

/**
 * Signs `text` as an OpenPGP cleartext message (RFC 9580 §7) with the
 * program's active key; undefined when the program has no key. The key is
 * v4, so the armor carries the `Hash:` header RFC 9116 parsers look for.
 * Lines must not end in spaces: cleartext signatures ignore trailing
 * whitespace, so a verifier would see different text than a reader.
 */
export async function signCleartext(db: Db, secret: InstanceSecret, programId: string, text: string): Promise<string | undefined> {
  if (/[ \t]$/m.test(text)) throw new Error('signCleartext: a line ends in whitespace, which the signature would not cover.');
  const stored = await activeKey(db, programId);
  if (!stored) return undefined;
  const signingKey = await unlockKey(secret, stored);
  const message = await openpgp.createCleartextMessage({ text });
  return openpgp.sign({ message, signingKeys: signingKey, config: OPENPGP_CONFIG });
}

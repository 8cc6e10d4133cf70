import type * as openpgp from 'openpgp';
import { openpgpLib } from './openpgp-lib.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { OPENPGP_CONFIG, unlockKey } from './key-protection.ts';
import type { StoredKey } from './program-keys.ts';

/**
 * A detached, armored OpenPGP signature over exact bytes (a binary-mode
 * signature: no line-ending normalisation), as CSAF's `.asc` files are
 * (requirement 19) and `gpg --verify file.asc file` checks.
 */
export async function signDetachedWith(secret: InstanceSecret, stored: StoredKey, data: Uint8Array): Promise<string> {
  const pgp = await openpgpLib();
  const signingKey = await unlockKey(secret, stored);
  const message = await pgp.createMessage({ binary: data });
  return pgp.sign({ message, signingKeys: signingKey, detached: true, config: OPENPGP_CONFIG }) as Promise<string>;
}

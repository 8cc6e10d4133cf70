import { createHash, createHmac } from 'node:crypto';
import type * as openpgp from 'openpgp';
import { openpgpLib } from './openpgp-lib.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * OpenPGP settings for everything Embargo writes. GnuPG 2.2, still the
 * version most researchers run, reads neither v6 keys nor AEAD-protected
 * (SEIPDv2) data, so both stay off whatever openpgp's defaults become.
 * The S2K iteration count is low on purpose: our passphrases are 256-bit
 * random values, so key stretching would only slow every unlock down.
 */
export const OPENPGP_CONFIG = { v6Keys: false, aeadProtect: false, s2kIterationCountByte: 96 } as const;

/**
 * Proof that this instance secret opened this stored key: a keyed hash of the
 * armored secret key under its passphrase. Stored once the key has been
 * opened (program_keys.unlock_check), it lets start-up check the secret
 * without OpenPGP.js; another secret, or another key, gives another value.
 */
export function unlockCheck(secret: InstanceSecret, stored: { fingerprint: string; privateKeyArmored: string }): Buffer {
  return createHmac('sha256', keyPassphrase(secret, stored.fingerprint)).update(stored.privateKeyArmored).digest();
}

/** The passphrase protecting one stored key; derived again when needed, never stored. */
export function keyPassphrase(secret: InstanceSecret, fingerprint: string): string {
  return secret.derive('program-key-passphrase', fingerprint.toLowerCase()).toString('base64url');
}

/** Encrypts an unlocked private key under its derived passphrase, ready to store. */
export async function protectKey(secret: InstanceSecret, unlocked: openpgp.PrivateKey): Promise<string> {
  const pgp = await openpgpLib();
  const locked = await pgp.encryptKey({ privateKey: unlocked, passphrase: keyPassphrase(secret, unlocked.getFingerprint()), config: OPENPGP_CONFIG });
  return locked.armor();
}

// Unlocked keys by hash of (stored armor, passphrase): signing security.txt on
// every request must not re-run the S2K each time. Keyed by the passphrase too,
// so a wrong secret never gets a key someone else unlocked.
const unlocked = new Map<string, openpgp.PrivateKey>();
const MAX_CACHED = 32;

/** Decrypts a stored private key; throws when the instance secret does not open it. */
export async function unlockKey(secret: InstanceSecret, stored: { fingerprint: string; privateKeyArmored: string }): Promise<openpgp.PrivateKey> {
  const pgp = await openpgpLib();
  const passphrase = keyPassphrase(secret, stored.fingerprint);
  const cacheKey = createHash('sha256').update(stored.privateKeyArmored).update('\0').update(passphrase).digest('hex');
  const cached = unlocked.get(cacheKey);
  if (cached) return cached;
  const privateKey = await pgp.readPrivateKey({ armoredKey: stored.privateKeyArmored, config: OPENPGP_CONFIG });
  const key = await pgp.decryptKey({ privateKey, passphrase, config: OPENPGP_CONFIG });
  if (unlocked.size >= MAX_CACHED) unlocked.clear();
  unlocked.set(cacheKey, key);
  return key;
}

import type * as openpgp from 'openpgp';
import { openpgpLib } from './openpgp-lib.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import type { KeyOwner } from './generate-program-key.ts';
import { OPENPGP_CONFIG, protectKey } from './key-protection.ts';
import { storeProgramKey } from './program-keys.ts';

/** An operator's key Embargo cannot use; the message says what to do instead. */
export class KeyRejectedError extends AppError {
  constructor(message: string) {
    super('key_rejected', 422, message);
  }
}

const EXPORT_HINT = 'Export it with: gpg --export-secret-keys --armor <fingerprint> > key.asc';

/** Parses one ASCII-armored secret key, refusing what Embargo cannot publish and sign with. */
export async function readImportableKey(armored: string): Promise<openpgp.PrivateKey> {
  const pgp = await openpgpLib();
  if (!armored.includes('-----BEGIN PGP')) throw new KeyRejectedError(`This is not an ASCII-armored OpenPGP key. ${EXPORT_HINT}`);
  let keys: openpgp.Key[];
  try {
    keys = await pgp.readKeys({ armoredKeys: armored, config: OPENPGP_CONFIG });
  } catch (err) {
    throw new KeyRejectedError(`This file could not be read as an OpenPGP key (${(err as Error).message}). ${EXPORT_HINT}`);
  }
  if (keys.length !== 1) throw new KeyRejectedError(`The file holds ${keys.length} keys; export exactly one. ${EXPORT_HINT}`);
  const key = keys[0]!;
  if (!key.isPrivate()) throw new KeyRejectedError(`This is a public key only; Embargo needs the secret key to sign security.txt and decrypt reports. ${EXPORT_HINT}`);
  if (key.keyPacket.version !== 4) {
    throw new KeyRejectedError(`This is a version ${key.keyPacket.version} key; only version 4 keys are accepted, because GnuPG 2.2 and many mail clients cannot use newer ones.`);
  }
  try {
    await key.getSigningKey(undefined, new Date(), undefined, { ...pgp.config, ...OPENPGP_CONFIG });
  } catch (err) {
    throw new KeyRejectedError(`This key has no usable signing key (${(err as Error).message}); it must be able to sign security.txt. Is it expired or revoked?`);
  }
  try {
    await key.getEncryptionKey(undefined, new Date(), undefined, { ...pgp.config, ...OPENPGP_CONFIG });
  } catch (err) {
    throw new KeyRejectedError(`This key has no usable encryption key (${(err as Error).message}); researchers could not encrypt reports to it. Add an encryption subkey first.`);
  }
  return key;
}

/**
 * Imports the operator's own key: unlocks it with its passphrase, re-encrypts
 * it under our derived passphrase, and makes it the active key (the previous
 * one is retired, kept for decryption). Warnings do not stop the import.
 */
export async function importProgramKey(
  db: Db,
  secret: InstanceSecret,
  program: KeyOwner,
  armored: string,
  passphrase: string | undefined,
): Promise<{ fingerprint: string; warnings: string[] }> {
  const pgp = await openpgpLib();
  const key = await readImportableKey(armored);
  let unlocked = key;
  if (!key.isDecrypted()) {
    if (!passphrase) throw new KeyRejectedError('This key is protected by a passphrase; give it (EMBARGO_KEY_PASSPHRASE, or standard input).');
    try {
      unlocked = await pgp.decryptKey({ privateKey: key, passphrase, config: OPENPGP_CONFIG });
    } catch {
      throw new KeyRejectedError('The passphrase does not unlock this key.');
    }
  }
  const warnings: string[] = [];
  const email = program.config.contactEmail.toLowerCase();
  if (!unlocked.users.some((u) => u.userID?.email.toLowerCase() === email)) {
    // WKD clients (gpg --locate-keys) drop keys without a user ID for the address they looked up.
    warnings.push(`The key has no user ID with ${program.config.contactEmail}; mail clients finding it by WKD may ignore it. Add one with: gpg --quick-add-uid <fingerprint> "${program.config.vendor} Security <${program.config.contactEmail}>"`);
  }
  const fingerprint = unlocked.getFingerprint();
  await storeProgramKey(db, {
    programId: program.id,
    fingerprint,
    publicKeyArmored: unlocked.toPublic().armor(),
    privateKeyArmored: await protectKey(secret, unlocked),
    origin: 'imported',
  });
  return { fingerprint, warnings };
}

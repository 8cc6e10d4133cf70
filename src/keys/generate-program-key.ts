import type * as openpgp from 'openpgp';
import { openpgpLib } from './openpgp-lib.ts';
import type { Db } from '../db/database.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { OPENPGP_CONFIG, protectKey } from './key-protection.ts';
import { storeProgramKey } from './program-keys.ts';

/** The parts of a program a key is made for. */
export interface KeyOwner {
  id: string;
  config: { vendor: string; contactEmail: string };
}

/**
 * Generates a new key for the program (Ed25519 signing primary, Curve25519
 * encryption subkey, v4 so GnuPG 2.2 reads it and signatures carry the Hash:
 * header RFC 9116 expects) and makes it active; the previous key is retired.
 * With `onlyIfNone`, a program that already has a key keeps it.
 */
export async function generateProgramKey(
  db: Db,
  secret: InstanceSecret,
  program: KeyOwner,
  options: { onlyIfNone?: boolean } = {},
): Promise<{ fingerprint: string; generated: boolean }> {
  const pgp = await openpgpLib();
  const { privateKey } = await pgp.generateKey({
    type: 'ecc', // curve25519Legacy: the v4 EdDSA/ECDH pair every OpenPGP implementation reads
    userIDs: [{ name: `${program.config.vendor} Security`, email: program.config.contactEmail }],
    format: 'object',
    config: OPENPGP_CONFIG,
  });
  const fingerprint = privateKey.getFingerprint();
  const result = await storeProgramKey(
    db,
    {
      programId: program.id,
      fingerprint,
      publicKeyArmored: privateKey.toPublic().armor(),
      privateKeyArmored: await protectKey(secret, privateKey),
      origin: 'generated',
    },
    options,
  );
  return { fingerprint: result.active, generated: result.stored };
}

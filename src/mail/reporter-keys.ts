import type { Kysely, Transaction } from 'kysely';
import type * as openpgp from 'openpgp';
import { openpgpLib } from '../keys/openpgp-lib.ts';
import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { reportKey } from '../reports/report-contents.ts';

/** A reporter's public key that passed validateReporterKey, ready to store. */
export interface ValidatedReporterKey {
  /** 40 (v4) or 64 (v6) lowercase hex digits. */
  fingerprint: string;
  /** The public part only, re-armored: nothing else the reporter pasted is kept. */
  armored: string;
  userIds: string[];
}

const MAX_ARMORED = 256 * 1024;

/** Why a key was refused: the web form words it in the reader's language (`form.error.key.*`). */
export type ReporterKeyProblem = 'tooLarge' | 'privateBlock' | 'severalBlocks' | 'notArmored' | 'severalKeys' | 'private' | 'unusable' | 'noEncryption';

export class ReporterKeyError extends ValidationError {
  constructor(
    message: string,
    readonly problem: ReporterKeyProblem,
    readonly values: Record<string, string | number> = {},
  ) {
    super({ publicKey: message }, message);
  }
}

/**
 * Checks that `armored` is one usable OpenPGP public key: readable, not a
 * secret key (refused, and never stored: pasting one is a mistake to point
 * out), not revoked or expired, and able to encrypt now.
 */
export async function validateReporterKey(armored: string): Promise<ValidatedReporterKey> {
  const pgp = await openpgpLib();
  const text = armored.trim();
  if (text.length > MAX_ARMORED) throw new ReporterKeyError('This public key is too large (at most 256 KiB).', 'tooLarge');
  if (text.includes('PRIVATE KEY BLOCK')) {
    throw new ReporterKeyError('This is a private (secret) key. Never share it: send your public key (gpg --armor --export you@example.org).', 'privateBlock');
  }
  const blocks = text.split('-----BEGIN PGP PUBLIC KEY BLOCK-----').length - 1;
  if (blocks > 1) throw new ReporterKeyError(`Give exactly one public key (this text holds ${blocks} key blocks).`, 'severalBlocks', { count: blocks });
  let keys: openpgp.Key[];
  try {
    keys = await pgp.readKeys({ armoredKeys: text });
  } catch {
    throw new ReporterKeyError('This is not an ASCII-armored OpenPGP public key (it should start with -----BEGIN PGP PUBLIC KEY BLOCK-----).', 'notArmored');
  }
  if (keys.length !== 1) throw new ReporterKeyError(`Give exactly one public key (this block holds ${keys.length}).`, 'severalKeys', { count: keys.length });
  const key = keys[0]!;
  if (key.isPrivate()) throw new ReporterKeyError('This is a private (secret) key. Send your public key instead.', 'private');
  try {
    await key.verifyPrimaryKey();
  } catch (err) {
    // OpenPGP.js's own reason stays English in every language.
    const detail = (err as Error).message.replace(/^Error: /, '');
    throw new ReporterKeyError(`This key cannot be used: ${detail}.`, 'unusable', { detail });
  }
  try {
    await key.getEncryptionKey();
  } catch {
    throw new ReporterKeyError('This key has no valid encryption subkey, so we could not encrypt mail to you.', 'noEncryption');
  }
  return { fingerprint: key.getFingerprint().toLowerCase(), armored: key.armor(), userIds: key.getUserIDs() };
}

const PURPOSE = 'reporter-key';

/**
 * Stores (or replaces) the key of a report inside the caller's transaction,
 * sealed with the report's data key: its user IDs name the reporter and its
 * fingerprint finds them on a key server, so neither is kept in clear.
 */
export async function storeReporterKey(
  trx: Transaction<Database> | Kysely<Database>,
  vault: ReportVault,
  reportId: string,
  key: ValidatedReporterKey,
  source: 'email' | 'web' | 'api',
): Promise<void> {
  const keyRow = await trx.selectFrom('reports').select(['id', 'data_key']).where('id', '=', reportId).executeTakeFirstOrThrow();
  const sealed = sealReporterKey(vault, reportKey(vault, keyRow), key.armored);
  await trx
    .insertInto('reporter_keys')
    .values({ report_id: reportId, key_sealed: sealed, source })
    .onConflict((oc) =>
      oc.column('report_id').doUpdateSet({ key_sealed: sealed, fingerprint: null, public_key_armored: null, source, updated_at: new Date() }),
    )
    .execute();
}

export function sealReporterKey(vault: ReportVault, key: DataKey, armored: string): Buffer {
  return vault.seal(key, PURPOSE, armored);
}

/**
 * Validates and stores the reporter's public key for a report (the web form's
 * optional field, the API, or a key attached to their mail). Throws a
 * ValidationError on field `publicKey` with a sentence the reporter can act on.
 */
export async function setReporterPublicKey(
  db: Db,
  vault: ReportVault,
  reportId: string,
  armored: string,
  source: 'email' | 'web' | 'api' = 'web',
): Promise<{ fingerprint: string }> {
  const key = await validateReporterKey(armored);
  await storeReporterKey(db, vault, reportId, key, source);
  return { fingerprint: key.fingerprint };
}

/** The stored key of a report's reporter, armored and opened; undefined when they gave none. */
export async function storedReporterKey(db: Db, vault: ReportVault, reportId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('reporter_keys as k')
    .innerJoin('reports as r', 'r.id', 'k.report_id')
    .select(['r.id', 'r.data_key', 'k.key_sealed', 'k.public_key_armored'])
    .where('k.report_id', '=', reportId)
    .executeTakeFirst();
  if (!row) return undefined;
  // In clear only on a row of an earlier version not yet sealed on start.
  return row.key_sealed ? vault.openText(reportKey(vault, row), PURPOSE, row.key_sealed) : (row.public_key_armored ?? undefined);
}

/** The stored key of a report's reporter, parsed; undefined when they gave none (or it no longer encrypts). */
export async function reporterEncryptionKey(db: Db, vault: ReportVault, reportId: string): Promise<openpgp.PublicKey | undefined> {
  const armored = await storedReporterKey(db, vault, reportId);
  if (!armored) return undefined;
  const key = await (await openpgpLib()).readKey({ armoredKey: armored });
  // A key that expired since it was given must not make every notification fail: fall back to no key.
  return (await key.getEncryptionKey().then(() => true, () => false)) ? (key as openpgp.PublicKey) : undefined;
}

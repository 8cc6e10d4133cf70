import type * as openpgp from 'openpgp';
import type { Db } from '../db/database.ts';
import type { ProgramKeyOrigin, ProgramKeyStatus } from '../db/schema.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { unlockKey } from './key-protection.ts';

/** A program key as stored; the private part is still encrypted. */
export interface StoredKey {
  id: string;
  programId: string;
  /** 40 lowercase hex digits. */
  fingerprint: string;
  publicKeyArmored: string;
  privateKeyArmored: string;
  origin: ProgramKeyOrigin;
  status: ProgramKeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

/** What pages show about the published key: uppercase hex, as GnuPG prints it. */
export interface KeyInfo {
  fingerprint: string;
  keyId: string;
  createdAt: Date;
}

const columns = ['id', 'program_id', 'fingerprint', 'public_key_armored', 'private_key_armored', 'origin', 'status', 'created_at', 'retired_at'] as const;

function toStoredKey(row: {
  id: string;
  program_id: string;
  fingerprint: string;
  public_key_armored: string;
  private_key_armored: string;
  origin: ProgramKeyOrigin;
  status: ProgramKeyStatus;
  created_at: Date;
  retired_at: Date | null;
}): StoredKey {
  return {
    id: row.id,
    programId: row.program_id,
    fingerprint: row.fingerprint,
    publicKeyArmored: row.public_key_armored,
    privateKeyArmored: row.private_key_armored,
    origin: row.origin,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}

/** The key the program signs with and publishes, if it has one. */
export async function activeKey(db: Db, programId: string): Promise<StoredKey | undefined> {
  const row = await db.selectFrom('program_keys').select(columns).where('program_id', '=', programId).where('status', '=', 'active').executeTakeFirst();
  return row && toStoredKey(row);
}

/** Fingerprint and key id of the active key, for the policy page. */
export async function activeKeyInfo(db: Db, programId: string): Promise<KeyInfo | undefined> {
  const row = await db
    .selectFrom('program_keys')
    .select(['fingerprint', 'created_at'])
    .where('program_id', '=', programId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  const fingerprint = row.fingerprint.toUpperCase();
  return { fingerprint, keyId: fingerprint.slice(-16), createdAt: row.created_at };
}

/** Every key of the program, active first, then retired ones newest first. */
export async function programKeys(db: Db, programId: string): Promise<StoredKey[]> {
  const rows = await db
    .selectFrom('program_keys')
    .select(columns)
    .where('program_id', '=', programId)
    .orderBy('status', 'asc') // 'active' < 'retired'
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toStoredKey);
}

/**
 * The unlocked private keys, active and retired, to read mail encrypted to
 * any key the program ever published. A key the instance secret cannot open
 * (stored under a secret since replaced) is left out and reported through
 * `onLocked`, so one lost key does not make every message unreadable.
 */
export async function decryptionKeys(db: Db, secret: InstanceSecret, programId: string, onLocked?: (fingerprint: string) => void): Promise<openpgp.PrivateKey[]> {
  const keys = await programKeys(db, programId);
  const opened = await Promise.all(
    keys.map((k) =>
      unlockKey(secret, k).catch(() => {
        onLocked?.(k.fingerprint);
        return undefined;
      }),
    ),
  );
  return opened.filter((k): k is openpgp.PrivateKey => k !== undefined);
}

export interface NewProgramKey {
  programId: string;
  fingerprint: string;
  publicKeyArmored: string;
  privateKeyArmored: string;
  origin: ProgramKeyOrigin;
}

/**
 * Makes `key` the program's active key and retires the previous one (kept for
 * decryption). The program row is locked so that two processes rotating or
 * auto-generating at once queue instead of colliding on the one-active index.
 * With `onlyIfNone`, nothing changes when the program already has a key.
 * A key imported again (same fingerprint) is reactivated with its new material.
 */
export async function storeProgramKey(db: Db, key: NewProgramKey, options: { onlyIfNone?: boolean } = {}): Promise<{ stored: boolean; active: string }> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('programs').select('id').where('id', '=', key.programId).forUpdate().executeTakeFirstOrThrow();
    const current = await trx
      .selectFrom('program_keys')
      .select('fingerprint')
      .where('program_id', '=', key.programId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (current && options.onlyIfNone) return { stored: false, active: current.fingerprint };
    if (current && current.fingerprint !== key.fingerprint) {
      await trx
        .updateTable('program_keys')
        .set({ status: 'retired', retired_at: new Date() })
        .where('program_id', '=', key.programId)
        .where('status', '=', 'active')
        .execute();
    }
    await trx
      .insertInto('program_keys')
      .values({
        program_id: key.programId,
        fingerprint: key.fingerprint,
        public_key_armored: key.publicKeyArmored,
        private_key_armored: key.privateKeyArmored,
        origin: key.origin,
        status: 'active',
      })
      .onConflict((oc) =>
        oc.columns(['program_id', 'fingerprint']).doUpdateSet((eb) => ({
          public_key_armored: eb.ref('excluded.public_key_armored'),
          private_key_armored: eb.ref('excluded.private_key_armored'),
          origin: eb.ref('excluded.origin'),
          status: 'active',
          retired_at: null,
        })),
      )
      .execute();
    return { stored: true, active: key.fingerprint };
  });
}

import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { loadProgram } from '../programs/programs.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { generateProgramKey } from './generate-program-key.ts';
import { unlockCheck, unlockKey } from './key-protection.ts';
import { activeKey, type StoredKey } from './program-keys.ts';

/**
 * On start: gives every configured program a key, so a fresh install
 * publishes a signed security.txt out of the box, and checks that the
 * instance secret still opens existing keys. A secret that does not is a
 * misconfiguration (changed EMBARGO_SECRET, lost secret.key, processes with
 * different secrets) that would otherwise surface later as unsigned files and
 * unreadable mail, so it stops the start with what to do.
 */
export async function ensureProgramKeys(db: Db, secret: InstanceSecret, slugs: readonly string[], logger: Logger): Promise<void> {
  for (const slug of slugs) {
    const program = await loadProgram(db, { slug });
    if (!program) continue;
    let existing = await activeKey(db, program.id);
    if (!existing) {
      const { fingerprint, generated } = await generateProgramKey(db, secret, program, { onlyIfNone: true });
      if (generated) {
        logger.info({ program: slug, fingerprint: fingerprint.toUpperCase() }, `Generated the OpenPGP key of program ${slug}: ${fingerprint.toUpperCase()} (use your own with: embargo key import)`);
        // Made with this secret just now: the next start need not decrypt it to know the secret opens it.
        const made = await activeKey(db, program.id);
        if (made) await storeUnlockCheck(db, secret, made);
        continue;
      }
      // Another process made it first, perhaps with another secret: checked like any stored key.
      existing = await activeKey(db, program.id);
      if (!existing) continue;
    }
    if (!(await secretOpenedBefore(db, secret, existing))) {
      try {
        await unlockKey(secret, existing);
      } catch {
        throw new Error(
          `The OpenPGP key ${existing.fingerprint.toUpperCase()} of program "${slug}" cannot be unlocked with the instance secret from ${secret.source}. ` +
            'Restore the secret it was stored with (EMBARGO_SECRET, or secret.key in the data directory), or replace the key with ' +
            `"embargo key generate --program ${slug}" (mail encrypted to the old key will stay unreadable).`,
        );
      }
      await storeUnlockCheck(db, secret, existing);
    }
    logger.info({ program: slug, fingerprint: existing.fingerprint.toUpperCase() }, `OpenPGP key of program ${slug}: ${existing.fingerprint.toUpperCase()}`);
  }
}

/**
 * Whether this secret opened this very key on an earlier start (the stored
 * unlock check matches): then the key is not decrypted again, and OpenPGP.js
 * is not loaded at start. A key imported since, or another secret, does not
 * match, and is decrypted.
 */
async function secretOpenedBefore(db: Db, secret: InstanceSecret, key: StoredKey): Promise<boolean> {
  const row = await db.selectFrom('program_keys').select('unlock_check').where('id', '=', key.id).executeTakeFirst();
  const stored = row?.unlock_check;
  const expected = unlockCheck(secret, key);
  return !!stored && stored.length === expected.length && timingSafeEqual(stored, expected);
}

async function storeUnlockCheck(db: Db, secret: InstanceSecret, key: StoredKey): Promise<void> {
  await db.updateTable('program_keys').set({ unlock_check: unlockCheck(secret, key) }).where('id', '=', key.id).execute();
}

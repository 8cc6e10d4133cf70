import { unlockKey } from '../keys/key-protection.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { readBackup } from './read-backup.ts';

/**
 * Whether `secret` opens the program keys inside a backup: everything sealed
 * in it (reports, attachments, addresses, keys) is sealed under the same
 * secret, so a restore with another one would bring back data nobody can
 * read. Returns the fingerprints it could not open (empty: all good, or a
 * backup without keys).
 */
export async function keysTheSecretCannotOpen(file: string, secret: InstanceSecret): Promise<string[]> {
  const locked: string[] = [];
  let inKeys = false;
  for await (const entry of readBackup(file)) {
    if (entry.kind === 'table') inKeys = entry.start.table === 'program_keys';
    else if (entry.kind === 'rows' && inKeys) {
      for (const line of entry.rows) {
        const row = JSON.parse(line) as { fingerprint: string; private_key_armored: string };
        try {
          await unlockKey(secret, { fingerprint: row.fingerprint, privateKeyArmored: row.private_key_armored });
        } catch {
          locked.push(row.fingerprint);
        }
      }
    } else if (entry.kind === 'tableEnd' && inKeys) break;
  }
  return locked;
}

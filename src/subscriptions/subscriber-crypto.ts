import { createHmac } from 'node:crypto';
import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

const keyId = (subscriberId: string) => `subscriber:${subscriberId}`;

/** Case and surrounding space never make a different subscriber. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * Keyed hashes of subscriber addresses (uniqueness, lookups) and the
 * unsubscribe capability (rate-limit keys use src/triage/sender-hash.ts). Keyed, not a bare SHA-256: the space of
 * e-mail addresses is small enough to hash exhaustively.
 */
export interface SubscriberKeys {
  /** HMAC of the normalised address: the subscribers.email_hash column. */
  emailHash(address: string): Buffer;
  /** The unsubscribe token of a subscriber: recomputable for every mail, only its SHA-256 is stored. */
  unsubscribeToken(subscriberId: string): string;
}

export function subscriberKeys(secret: InstanceSecret): SubscriberKeys {
  const emailKey = secret.derive('subscriber-email', 'v1');
  const unsubscribeKey = secret.derive('subscriber-unsubscribe', 'v1');
  return {
    emailHash: (address) => createHmac('sha256', emailKey).update(normaliseAddress(address)).digest(),
    // 32 bytes in base64url: 43 characters, the shape isWellFormedToken accepts.
    unsubscribeToken: (subscriberId) => createHmac('sha256', unsubscribeKey).update(subscriberId).digest('base64url'),
  };
}

/** A new subscriber's data key and sealed address. */
export function sealAddress(vault: ReportVault, subscriberId: string, address: string): { data_key: Buffer; email_sealed: Buffer } {
  const { key, wrapped } = vault.newKey(keyId(subscriberId));
  return { data_key: wrapped, email_sealed: vault.seal(key, 'email', address.trim()) };
}

/** Opens a subscriber's address; only mail sending and the staff list call this. */
export function openAddress(vault: ReportVault, row: { id: string; data_key: Buffer; email_sealed: Buffer }): string {
  const key: DataKey = vault.openKey(keyId(row.id), row.data_key);
  return vault.openText(key, 'email', row.email_sealed);
}

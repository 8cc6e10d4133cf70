import { createHmac, createSecretKey } from 'node:crypto';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * Keyed hashes of submitter addresses, so the block list and the per-address
 * rate limit never store an address. Keyed (not a bare SHA-256) because the
 * space of e-mail and IPv4 addresses is small enough to hash exhaustively.
 */
export interface SenderHasher {
  email(address: string): Buffer;
  ip(address: string): Buffer;
}

/** The block list's hasher, from the key ("blocklist", "v1") derived from the instance secret. */
export function senderHasher(secret: InstanceSecret): SenderHasher {
  const key = createSecretKey(secret.derive('blocklist', 'v1')); // a key object: far cheaper per HMAC than a Buffer
  const mac = (kind: string, value: string) => createHmac('sha256', key).update(`${kind}\0${value}`).digest();
  return {
    // Case and surrounding space never make a different sender.
    email: (address) => mac('email', address.trim().toLowerCase()),
    // IPv4-mapped IPv6 (::ffff:1.2.3.4) is the same sender as 1.2.3.4.
    ip: (address) => mac('ip', address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')),
  };
}

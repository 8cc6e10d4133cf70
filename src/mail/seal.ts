import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

// Layout: version (1) | IV (12) | GCM tag (16) | ciphertext. The version byte
// leaves room for a later key scheme without guessing what old rows hold.
const VERSION = 1;

/**
 * Encrypts `data` for storage with AES-256-GCM under a key derived from the
 * instance secret for `purpose`, so a database dump alone does not reveal it.
 * `boundTo` (e.g. the row id) is authenticated: a sealed value copied to
 * another row does not open there.
 */
export function seal(secret: InstanceSecret, purpose: string, boundTo: string, data: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret.derive('seal', purpose), iv);
  cipher.setAAD(Buffer.from(boundTo));
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Reverses seal(); throws when the secret, purpose or binding differ or the bytes were altered. */
export function unseal(secret: InstanceSecret, purpose: string, boundTo: string, sealed: Buffer): Buffer {
  if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('unseal: not a sealed value of a known version');
  const decipher = createDecipheriv('aes-256-gcm', secret.derive('seal', purpose), sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
}

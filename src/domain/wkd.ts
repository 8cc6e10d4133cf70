import { createHash } from 'node:crypto';

/**
 * Web Key Directory (draft-koch-openpgp-webkey-service): a mail client finds
 * the key of local@domain at /.well-known/openpgpkey/hu/<hash>, where hash is
 * the z-base-32 encoding of the SHA-1 of the lowercased local part.
 */
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (RFC 6189 §5.1.6 alphabet), most significant bits first, no padding. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1; // keep only the bits not yet written
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The WKD hash of an address's local part (ASCII lowercasing, as GnuPG does). */
export function wkdHash(localPart: string): string {
  const lowered = localPart.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return zbase32(createHash('sha1').update(lowered, 'utf8').digest());
}

/** Splits an address at its last "@"; the domain is lowercased. */
export function splitAddress(address: string): { localPart: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { localPart: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

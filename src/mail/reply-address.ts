import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * Per-report reply addresses: `<local>+<reference>.<mac>@<domain>`, where
 * local@domain is the program's contact address (so plus-addressing delivers
 * replies to the same mailbox an IMAP poller reads) and the MAC, keyed by the
 * instance secret, makes the address unguessable without storing anything.
 * Everything is lower case: some relays lower-case local parts.
 */

const TAG = /^([a-z][a-z0-9]{1,9}-\d{4}-\d{4,})\.([a-z2-7]{16})$/;

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function mac(secret: InstanceSecret, reference: string): string {
  // 80 bits: guessing one report's address takes ~2^79 tries of a 550-free SMTP dialogue.
  return base32(createHmac('sha256', secret.derive('reply-address', 'v1')).update(reference.toUpperCase()).digest().subarray(0, 10));
}

function split(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

/** The address a reporter's replies about `reference` should go to. */
export function replyAddress(secret: InstanceSecret, contactEmail: string, replyDomain: string | undefined, reference: string): string {
  const contact = split(contactEmail)!;
  return `${contact.local}+${reference.toLowerCase()}.${mac(secret, reference)}@${replyDomain ?? contact.domain}`;
}

export type AddressMatch = { kind: 'contact' } | { kind: 'reply'; reference: string } | { kind: 'bad-tag' };

/**
 * How `address` relates to a program's contact address: the address itself
 * (also at the reply domain), a per-report reply address with a valid MAC,
 * a plus address whose tag does not verify (still the team's mailbox: the
 * mail is kept and treated as new), or undefined for anyone else's address.
 */
export function matchProgramAddress(secret: InstanceSecret, address: string, contactEmail: string, replyDomain: string | undefined): AddressMatch | undefined {
  const a = split(address);
  const contact = split(contactEmail)!;
  if (!a || (a.domain !== contact.domain && a.domain !== replyDomain)) return undefined;
  if (a.local === contact.local) return { kind: 'contact' };
  if (!a.local.startsWith(`${contact.local}+`)) return undefined;
  const m = TAG.exec(a.local.slice(contact.local.length + 1));
  if (!m) return { kind: 'bad-tag' };
  const expected = Buffer.from(mac(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { kind: 'reply', reference: m[1]!.toUpperCase() } : { kind: 'bad-tag' };
}

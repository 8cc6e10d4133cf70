import type { InstanceSecret } from '../../secrets/instance-secret.ts';
import { seal, unseal } from '../../mail/seal.ts';

/** How long an enrolment page's secret may be confirmed. */
export const ENROLMENT_MS = 30 * 60_000;
const PURPOSE = 'staff-totp-enrolment';

/**
 * The secret shown on the enrolment page travels in the form as a sealed
 * hidden field, bound to the user id and carrying its expiry: nothing is
 * stored until the user confirms a code, a field copied into another
 * account's form does not open, and the secret is never in a cookie.
 */
export function sealEnrolment(secret: InstanceSecret, userId: string, secretBase32: string, now = new Date()): string {
  const plain = JSON.stringify({ s: secretBase32, e: now.getTime() + ENROLMENT_MS });
  return seal(secret, PURPOSE, userId, Buffer.from(plain, 'utf8')).toString('base64url');
}

/** The secret of a sealed enrolment field; undefined when altered, for another user, or expired. */
export function openEnrolment(secret: InstanceSecret, userId: string, field: string, now = new Date()): string | undefined {
  if (!/^[A-Za-z0-9_-]{20,400}$/.test(field)) return undefined;
  try {
    const parsed = JSON.parse(unseal(secret, PURPOSE, userId, Buffer.from(field, 'base64url')).toString('utf8')) as { s?: unknown; e?: unknown };
    if (typeof parsed.s !== 'string' || typeof parsed.e !== 'number' || parsed.e <= now.getTime()) return undefined;
    return parsed.s;
  } catch {
    return undefined;
  }
}

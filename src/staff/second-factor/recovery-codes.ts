import { createHash, randomBytes } from 'node:crypto';

/**
 * One-time recovery codes: 10 per enrolment, each 100 random bits written as
 * four groups of five base32 letters and digits ("k7q2m-x4tza-…"). They are
 * shown once and stored only as SHA-256: with that much entropy a plain hash
 * cannot be reversed by guessing, unlike a password.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/** A fresh recovery code. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  // 256 is a multiple of 32, so taking each byte modulo 32 is unbiased.
  const chars = [...bytes].map((b) => ALPHABET[b % 32]!).join('');
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH));
  return groups.join('-');
}

/** The codes of one enrolment, all different. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newRecoveryCode());
  return [...codes];
}

/** A typed code in canonical form (case, spaces and dashes ignored), or undefined when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.toLowerCase().replace(/[\s-]+/g, '');
  return compact.length === GROUPS * GROUP_LENGTH && [...compact].every((c) => ALPHABET.includes(c)) ? compact : undefined;
}

/** What is stored: SHA-256 of the canonical form. */
export function hashRecoveryCode(normalized: string): Buffer {
  return createHash('sha256').update(normalized, 'utf8').digest();
}

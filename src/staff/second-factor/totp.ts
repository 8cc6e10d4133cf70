import { Secret, TOTP } from 'otpauth';

/**
 * The TOTP rules (RFC 6238) with the parameters every authenticator app
 * supports: HMAC-SHA-1, 6 digits, 30-second steps. Pure: the caller passes
 * the time and the last step it accepted, and stores what comes back.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and next step are accepted too (clock drift, typing time). */
export const TOTP_WINDOW = 1;

/** A new random secret: 160 bits (RFC 4226's recommendation), as base32 text for the user. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, account = '', issuer = ''): TOTP {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

/** The otpauth:// URI authenticator apps read from the QR code (Key URI format). */
export function otpauthUri(secretBase32: string, account: string, issuer: string): string {
  return totp(secretBase32, account, issuer).toString();
}

/** The 30-second step a moment falls in. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of a given moment (tests, and nothing else, need to make codes). */
export function totpCode(secretBase32: string, now: Date): string {
  return totp(secretBase32).generate({ timestamp: now.getTime() });
}

/** What a typed code may look like: six digits, spaces allowed ("123 456"). */
export function normalizeTotpCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * Checks a typed code against the secret at `now` (±1 step). A code whose
 * step is not after `lastUsedStep` is refused as a replay: one code signs in
 * once, and an older code never works after a newer one was used.
 */
export function checkTotp(secretBase32: string, input: string, now: Date, lastUsedStep: number | undefined): TotpCheck {
  const code = normalizeTotpCode(input);
  if (!code) return { ok: false, reason: 'invalid' };
  const delta = totp(secretBase32).validate({ token: code, timestamp: now.getTime(), window: TOTP_WINDOW });
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = totpStep(now) + delta;
  if (lastUsedStep !== undefined && step <= lastUsedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step };
}

/**
 * security.txt (RFC 9116) as a pure function of the program's settings and
 * the time, so it can be tested on its own. Signing is the caller's job.
 */
export type SecurityContact = 'email' | 'form';

export interface SecurityTxtInput {
  /** Public URL of the instance, without trailing slash. */
  baseUrl: string;
  contactEmail: string;
  contactOrder?: readonly SecurityContact[] | undefined;
  preferredLanguages?: readonly string[] | undefined;
  /** Whether a key is published at /pgp-key.txt (no Encryption line otherwise). */
  hasKey: boolean;
  /** Whether /thanks exists (no Acknowledgments line otherwise). */
  hasThanksPage: boolean;
  now: Date;
}

export const DEFAULT_CONTACT_ORDER: readonly SecurityContact[] = ['email', 'form'];
export const DEFAULT_LANGUAGES: readonly string[] = ['en'];
/** RFC 9116 asks for less than a year; half a year, recomputed on every request, never goes stale. */
export const EXPIRES_AFTER_DAYS = 180;

/** The unsigned security.txt body, one field per line, ending with a newline. */
export function buildSecurityTxt(input: SecurityTxtInput): string {
  const { baseUrl } = input;
  const contactUri: Record<SecurityContact, string> = { email: `mailto:${input.contactEmail}`, form: `${baseUrl}/report` };
  const lines = [
    ...(input.contactOrder ?? DEFAULT_CONTACT_ORDER).map((c) => `Contact: ${contactUri[c]}`),
    `Expires: ${securityTxtExpiry(input.now).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    ...(input.hasKey ? [`Encryption: ${baseUrl}/pgp-key.txt`] : []),
    `Policy: ${baseUrl}/policy`,
    ...(input.hasThanksPage ? [`Acknowledgments: ${baseUrl}/thanks`] : []),
    `Preferred-Languages: ${(input.preferredLanguages ?? DEFAULT_LANGUAGES).join(', ')}`,
    `Canonical: ${baseUrl}/.well-known/security.txt`,
    // CSAF 2.0 §7.1.8 (requirement 8) defines this extension field (RFC 9116 §2.4 allows them):
    // where scanners and aggregators find the provider metadata of the advisories.
    `CSAF: ${baseUrl}/.well-known/csaf/provider-metadata.json`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The Expires date written at `now`. */
export function securityTxtExpiry(now: Date): Date {
  return new Date(now.getTime() + EXPIRES_AFTER_DAYS * 24 * 60 * 60 * 1000);
}

import type { Config } from '../../config.ts';

/**
 * Whether a password (or a passkey without one) may sign this e-mail in: always, unless
 * EMBARGO_PASSWORD_SIGN_IN=false, which leaves only the break-glass administrator.
 */
export function localSignInAllowed(config: Pick<Config, 'passwordSignIn'>, email: string): boolean {
  const { enabled, breakGlassEmail } = config.passwordSignIn;
  return enabled || (breakGlassEmail !== undefined && email.trim().toLowerCase() === breakGlassEmail);
}

/** What someone refused by that rule reads. */
export const LOCAL_SIGN_IN_OFF = 'Signing in with a password or passkey is turned off here: use single sign-on.';

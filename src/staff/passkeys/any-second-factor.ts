import type { Db } from '../../db/database.ts';
import { hasSecondFactor } from '../second-factor/second-factors.ts';
import { hasPasskeys } from './passkeys.ts';

/** Whether signing in needs a second step: an authenticator app (TOTP), or at least one passkey. */
export async function hasAnySecondFactor(db: Db, userId: string): Promise<boolean> {
  return (await hasSecondFactor(db, userId)) || (await hasPasskeys(db, userId));
}

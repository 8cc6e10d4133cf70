import type { Db } from '../db/database.ts';
import { RateLimitedError } from '../errors.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import {
  countHit,
  hitRateLimit,
  rateLimitKeys,
  refundRateLimit,
  resetRateLimit,
  takeBackoffAttempt,
  type BackoffPolicy,
  type RateLimitKey,
} from '../web/rate-limit.ts';
import { clientNetwork } from './client-network.ts';

/**
 * Against one account from one network (/24, /64): five tries, then 30 s,
 * 1, 2, 4, 8 min and at most 15 min between tries. Whoever guesses slows
 * down only their own network, never the account's owner elsewhere.
 */
export const NETWORK_BACKOFF: BackoffPolicy = { free: 5, baseSeconds: 30, maxSeconds: 900, forgetSeconds: 3600 };
/** Failed sign-ins from one address, whatever the accounts (one place trying many people). */
export const ADDRESS_LIMIT = { max: 30, windowSeconds: 900 } as const;
/**
 * Failed sign-ins against one account from everywhere (guessing spread over
 * many networks). Past it a password alone no longer signs in; a password
 * and a valid second factor still do, so an attacker cannot lock out a
 * colleague who uses two-step sign-in.
 */
export const ACCOUNT_LIMIT = { max: 50, windowSeconds: 900 } as const;

export type SignInRefusal = { scope: 'network' | 'address' | 'account'; retryAfterSeconds: number };

/**
 * The sign-in limits of one attempt (an address and the e-mail typed). Every
 * attempt is counted in advance, so parallel guesses cannot slip past a
 * limit; a correct password gives its counts back (`succeeded`), so only
 * failures add up.
 */
export interface SignInAttempt {
  /** Counts the attempt; a refusal means the password must not even be checked. */
  begin(): Promise<SignInRefusal | undefined>;
  /** Whether the account's own threshold was already passed (then only a second factor lets the password through). */
  readonly accountLimited: SignInRefusal | undefined;
  /** A correct password: forget this network's failures and give back this attempt's counts. */
  succeeded(): Promise<void>;
}

/** The limits of one sign-in attempt from `address` for `email`; keys are keyed hashes, never the address or e-mail. */
export function signInAttempt(db: Db, secret: InstanceSecret, address: string, email: string): SignInAttempt {
  const key = rateLimitKeys(secret);
  const account = email.trim().toLowerCase();
  const keys = {
    network: key('sign-in:network', clientNetwork(address), account),
    address: key('sign-in:address', address),
    account: key('sign-in:account', account),
  } satisfies Record<SignInRefusal['scope'], RateLimitKey>;
  let accountLimited: SignInRefusal | undefined;
  return {
    get accountLimited() {
      return accountLimited;
    },
    async begin() {
      const refused = async (scope: SignInRefusal['scope'], take: () => Promise<void>) => {
        try {
          await take();
          return undefined;
        } catch (err) {
          if (err instanceof RateLimitedError) return { scope, retryAfterSeconds: err.retryAfterSeconds };
          throw err;
        }
      };
      const network = await refused('network', () => takeBackoffAttempt(db, keys.network, NETWORK_BACKOFF));
      if (network) return network;
      const byAddress = await refused('address', () => hitRateLimit(db, keys.address, ADDRESS_LIMIT.max, ADDRESS_LIMIT.windowSeconds));
      if (byAddress) return byAddress;
      const counted = await countHit(db, keys.account, ACCOUNT_LIMIT.windowSeconds);
      // The attempt itself is the last hit counted: the threshold is passed when earlier failures reached it.
      if (counted.hits > ACCOUNT_LIMIT.max) accountLimited = { scope: 'account', retryAfterSeconds: counted.retryAfterSeconds };
      return undefined;
    },
    async succeeded() {
      await resetRateLimit(db, keys.network);
      await refundRateLimit(db, keys.address);
      await refundRateLimit(db, keys.account);
    },
  };
}

/** When to try again, in words: "in 40 seconds", "in 3 minutes". */
export function retryIn(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** What a refused person reads: which limit, and when to try again. */
export function signInRefusalMessage(refusal: SignInRefusal): string {
  const when = retryIn(refusal.retryAfterSeconds);
  switch (refusal.scope) {
    case 'network':
      return `Too many failed sign-ins to this account from your network. Try again ${when}.`;
    case 'address':
      return `Too many failed sign-ins from your address. Try again ${when}.`;
    case 'account':
      return `This account has had many failed sign-ins from elsewhere, so a password alone does not sign in for now. Try again ${when}; with two-step sign-in set up, your password and code still let you in.`;
  }
}

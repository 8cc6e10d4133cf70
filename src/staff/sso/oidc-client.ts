import * as oidc from 'openid-client';
import type { SsoConfig } from './sso-config.ts';
import { groupsOf } from './sso-config.ts';

/** What Embargo takes from the provider about the person signing in. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  groups: string[];
}

/** The provider could not be reached or its discovery document is unusable. */
export class ProviderUnavailableError extends Error {}
/** The callback failed a check (state, nonce, issuer, PKCE, signature, the code itself…). */
export class CallbackRefusedError extends Error {
  constructor(readonly code: string) {
    super(`single sign-on callback refused (${code})`);
  }
}

// One discovery per provider and process; a failure is forgotten so the next sign-in tries again.
const configurations = new Map<string, Promise<oidc.Configuration>>();

function configuration(sso: SsoConfig): Promise<oidc.Configuration> {
  const key = `${sso.issuer.href} ${sso.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(sso.issuer.hostname);
    found = oidc
      .discovery(sso.issuer, sso.clientId, sso.clientSecret.reveal(), undefined, { execute: loopback ? [oidc.allowInsecureRequests] : [], timeout: 10 })
      .catch((err: unknown) => {
        configurations.delete(key);
        throw new ProviderUnavailableError(`OpenID provider discovery failed: ${(err as Error).name}: ${(err as Error).message}`);
      });
    configurations.set(key, found);
  }
  return found;
}

/** The fresh secrets of one authorization request (stored until its callback). */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export function newAuthorizationChecks(): AuthorizationChecks {
  return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
}

/** Where to send the browser: the provider's authorization endpoint with PKCE (S256), state and nonce. */
export async function authorizationUrl(sso: SsoConfig, redirectUri: string, checks: AuthorizationChecks): Promise<URL> {
  const config = await configuration(sso);
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: sso.scopes,
    response_type: 'code',
    state: checks.state,
    nonce: checks.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
    code_challenge_method: 'S256',
  });
}

/**
 * Checks the callback (state, issuer), exchanges the code with the PKCE verifier, checks the
 * ID token (signature, audience, nonce) and reads the person's claims, from the ID token and,
 * when the provider has one, its userinfo endpoint (many put groups only there).
 */
export async function completeAuthorization(sso: SsoConfig, callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderIdentity> {
  const config = await configuration(sso);
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new CallbackRefusedError('no-id-token');
    claims = { ...idClaims };
    if (config.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      // The ID token names who it is; userinfo adds what it lacks (e.g. groups).
      claims = { ...info, ...idClaims };
    }
  } catch (err) {
    if (err instanceof CallbackRefusedError) throw err;
    // Only the error's name and code: messages and causes may quote the response.
    const e = err as { name?: string; code?: string; error?: string };
    throw new CallbackRefusedError([e.name, e.code, e.error].filter(Boolean).join(' '));
  }
  return {
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === 'string' ? claims.name.trim().slice(0, 100) : undefined,
    groups: groupsOf(claims[sso.groupsClaim]),
  };
}

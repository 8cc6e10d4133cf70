import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { recordAudit } from '../../audit/append-audit.ts';
import type { Db } from '../../db/database.ts';
import type { PasskeyPurpose } from '../../db/staff-identity-tables.ts';
import { storeChallenge, takeChallenge } from './challenges.ts';

/** Who the passkeys are for: this instance's host name (the RP ID) and its origin, from EMBARGO_BASE_URL. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/** SimpleWebAuthn, loaded at the first passkey ceremony: a server whose staff use none does not carry it (docs/performance.md, memory). */
const webauthn = () => import('@simplewebauthn/server');

export function relyingParty(baseUrl: string, name: string): RelyingParty {
  const url = new URL(baseUrl);
  return { id: url.hostname, origin: url.origin, name };
}

/** The WebAuthn user handle of an account: its id's 16 bytes (opaque, no personal data). */
export function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
}

export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  backedUp: boolean;
  synced: boolean;
}

/** An account's passkeys, oldest first (the account page). */
export async function listPasskeys(db: Db, userId: string): Promise<PasskeySummary[]> {
  const rows = await db
    .selectFrom('staff_passkeys')
    .select(['id', 'name', 'created_at', 'last_used_at', 'backed_up', 'device_type'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, backedUp: r.backed_up, synced: r.device_type === 'multiDevice' }));
}

async function credentialsOf(db: Db, userId: string): Promise<{ id: string; transports?: AuthenticatorTransportFuture[] }[]> {
  const rows = await db.selectFrom('staff_passkeys').select(['credential_id', 'transports']).where('user_id', '=', userId).execute();
  return rows.map((r) => ({ id: r.credential_id, ...(r.transports ? { transports: r.transports.split(',') as AuthenticatorTransportFuture[] } : {}) }));
}

export async function hasPasskeys(db: Db, userId: string): Promise<boolean> {
  return (await db.selectFrom('staff_passkeys').select('id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

/**
 * Options for adding a passkey (navigator.credentials.create): a discoverable credential with
 * user verification, so that it can also sign in without a password; the account's existing
 * passkeys are excluded. The challenge is bound to the session.
 */
export async function registrationOptions(
  db: Db,
  rp: RelyingParty,
  account: { userId: string; email: string; displayName: string; sessionToken: string },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: account.email,
    userDisplayName: account.displayName,
    userID: userHandle(account.userId),
    attestationType: 'none',
    excludeCredentials: await credentialsOf(db, account.userId),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await storeChallenge(db, { purpose: 'register', bindingToken: account.sessionToken, challenge: options.challenge, userId: account.userId });
  return options;
}

export type PasskeyRefusal = 'no-challenge' | 'unknown-credential' | 'not-verified' | 'malformed';

/** Checks the new credential against the session's challenge and stores it under `name`. */
export async function registerPasskey(
  db: Db,
  rp: RelyingParty,
  input: { userId: string; sessionToken: string; name: string; response: unknown },
): Promise<{ ok: true; id: string } | { ok: false; reason: PasskeyRefusal }> {
  const pending = await takeChallenge(db, 'register', input.sessionToken);
  if (!pending || pending.userId !== input.userId) return { ok: false, reason: 'no-challenge' };
  let info;
  try {
    const verified = await (await webauthn()).verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: pending.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!verified.verified) return { ok: false, reason: 'not-verified' };
    info = verified.registrationInfo;
  } catch {
    return { ok: false, reason: 'not-verified' };
  }
  const name = input.name.trim().slice(0, 60) || `Passkey added ${new Date().toISOString().slice(0, 10)}`;
  const row = await db
    .insertInto('staff_passkeys')
    .values({
      user_id: input.userId,
      credential_id: info.credential.id,
      public_key: Buffer.from(info.credential.publicKey),
      counter: info.credential.counter,
      transports: (info.credential.transports ?? []).join(','),
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp,
      aaguid: info.aaguid,
      name,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  // The same authenticator registered twice (excludeCredentials normally prevents it).
  if (!row) return { ok: false, reason: 'unknown-credential' };
  await recordAudit(db, { actor: { kind: 'staff', id: input.userId }, action: 'passkey.registered', target: row.id });
  return { ok: true, id: row.id };
}

/**
 * Options for using a passkey (navigator.credentials.get). A password-less sign-in names no
 * account (the authenticator offers its discoverable credentials) and requires user
 * verification; a second factor or a confirmation lists the account's own passkeys.
 */
export async function assertionOptions(
  db: Db,
  rp: RelyingParty,
  request: { purpose: Exclude<PasskeyPurpose, 'register'>; bindingToken: string; userId: string | null },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: request.purpose === 'sign-in' ? 'required' : 'preferred',
    ...(request.userId ? { allowCredentials: await credentialsOf(db, request.userId) } : {}),
  });
  await storeChallenge(db, { purpose: request.purpose, bindingToken: request.bindingToken, challenge: options.challenge, userId: request.userId });
  return options;
}

/**
 * Checks an assertion against the challenge of this purpose and binding. The passkey must
 * belong to the account the challenge was for (a second account can never use the first
 * one's credential); the counter must rise when the authenticator counts; the counter, backup
 * state and last use are stored. Returns the account the passkey belongs to.
 */
export async function verifyAssertion(
  db: Db,
  rp: RelyingParty,
  input: { purpose: Exclude<PasskeyPurpose, 'register'>; bindingToken: string; response: unknown },
  now = new Date(),
): Promise<{ ok: true; userId: string; passkeyId: string } | { ok: false; reason: PasskeyRefusal }> {
  const pending = await takeChallenge(db, input.purpose, input.bindingToken, now);
  if (!pending) return { ok: false, reason: 'no-challenge' };
  const response = input.response as AuthenticationResponseJSON;
  if (typeof response?.id !== 'string' || typeof response.response !== 'object' || response.response === null) return { ok: false, reason: 'malformed' };
  const passkey = await db.selectFrom('staff_passkeys').selectAll().where('credential_id', '=', response.id).executeTakeFirst();
  if (!passkey) return { ok: false, reason: 'unknown-credential' };
  if (pending.userId !== null && passkey.user_id !== pending.userId) return { ok: false, reason: 'unknown-credential' };
  const handle = response.response.userHandle;
  if (handle && handle !== Buffer.from(userHandle(passkey.user_id)).toString('base64url')) return { ok: false, reason: 'unknown-credential' };
  let info;
  try {
    const verified = await (await webauthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(passkey.public_key),
        counter: Number(passkey.counter),
        ...(passkey.transports ? { transports: passkey.transports.split(',') as AuthenticatorTransportFuture[] } : {}),
      },
      requireUserVerification: input.purpose === 'sign-in',
    });
    if (!verified.verified) return { ok: false, reason: 'not-verified' };
    info = verified.authenticationInfo;
  } catch {
    return { ok: false, reason: 'not-verified' };
  }
  await db
    .updateTable('staff_passkeys')
    .set({ counter: info.newCounter, backed_up: info.credentialBackedUp, device_type: info.credentialDeviceType, last_used_at: now })
    .where('id', '=', passkey.id)
    .execute();
  return { ok: true, userId: passkey.user_id, passkeyId: passkey.id };
}

/** Removes one of the account's passkeys; false when it is not theirs (or already gone). */
export async function removePasskey(db: Db, userId: string, passkeyId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(passkeyId)) return false;
  const row = await db.deleteFrom('staff_passkeys').where('id', '=', passkeyId).where('user_id', '=', userId).returning('id').executeTakeFirst();
  if (row) await recordAudit(db, { actor: { kind: 'staff', id: userId }, action: 'passkey.removed', target: row.id });
  return row !== undefined;
}

/** What someone whose passkey was refused reads. */
export const PASSKEY_REFUSALS: Record<PasskeyRefusal, string> = {
  'no-challenge': 'That passkey request expired or was already used. Try again.',
  'unknown-credential': 'That passkey is not registered for this account.',
  'not-verified': 'The passkey could not be verified. Try again, or use another way to sign in.',
  malformed: 'The browser sent no usable passkey answer. Try again.',
};

import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** An identity at the OpenID Connect provider linked to a staff account (src/staff/sso/). */
export interface StaffIdentitiesTable {
  /** The provider's issuer URL. */
  issuer: string;
  /** The provider's stable id of the person; with the issuer, what links the account (never the e-mail alone). */
  subject: string;
  user_id: string;
  created_at: CreatedAt;
  last_sign_in_at: Timestamp | null;
  /** The account is deactivated because the provider's groups gave it no role (a mapped group reactivates it). */
  revoked_by_provider: ColumnType<boolean, boolean | undefined, boolean>;
}

/** An authorization request in flight: state, nonce and PKCE verifier, used once within ten minutes. */
export interface StaffSsoRequestsTable {
  /** SHA-256 of the cookie value binding the request to its browser. */
  token_hash: Buffer;
  state: string;
  nonce: string;
  code_verifier: string;
  next: string | null;
  /** A signed-in staff member linking their account (from the account page); null for a sign-in. */
  link_user_id: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** A staff member's passkey (src/staff/passkeys/). */
export interface StaffPasskeysTable {
  id: ColumnType<string, string | undefined, never>;
  user_id: string;
  /** base64url credential id; unique across accounts. */
  credential_id: string;
  /** COSE public key. */
  public_key: Buffer;
  /** bigint: read as a string, written as a number. */
  counter: ColumnType<string, number, number>;
  /** Comma-separated transports. */
  transports: ColumnType<string, string | undefined, string>;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
  aaguid: ColumnType<string, string | undefined, string>;
  name: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
}

export type PasskeyPurpose = 'register' | 'sign-in' | 'second-factor' | 'confirm';

/** A WebAuthn challenge waiting for its answer, bound to where it was asked for; used once. */
export interface StaffPasskeyChallengesTable {
  binding_hash: Buffer;
  purpose: PasskeyPurpose;
  challenge: string;
  user_id: string | null;
  expires_at: Timestamp;
}

export interface StaffIdentityTables {
  staff_identities: StaffIdentitiesTable;
  staff_sso_requests: StaffSsoRequestsTable;
  staff_passkeys: StaffPasskeysTable;
  staff_passkey_challenges: StaffPasskeyChallengesTable;
}

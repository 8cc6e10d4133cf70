import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A staff member's TOTP authenticator (src/staff/second-factor/); the secret is sealed. */
export interface StaffSecondFactorsTable {
  user_id: string;
  /** seal(secret, 'staff-totp', user_id, base32 secret): never stored or logged in clear. */
  secret_sealed: Buffer;
  /** Last accepted 30-second step; codes of this step or earlier are refused (replay). */
  last_used_step: number;
  enrolled_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One-time recovery codes, stored only as SHA-256. */
export interface StaffRecoveryCodesTable {
  user_id: string;
  /** SHA-256 of the normalised code. */
  code_hash: Buffer;
  /** Set once used; a used code is refused. */
  used_at: Timestamp | null;
}

/** A correct password waiting for its second factor (five minutes); never a session. */
export interface StaffPendingSignInsTable {
  /** SHA-256 of the cookie value. */
  token_hash: Buffer;
  user_id: string;
  /** The post-sign-in destination asked for at the password step. */
  next: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export type StaffLinkPurpose = 'invitation' | 'password-reset';

/** One-time links sent to a staff member by mail: an invitation, or a password reset. */
export interface StaffAccountLinksTable {
  id: string;
  user_id: string;
  /** An invitation sets the first password and activates the account; a reset ends the account's sessions. */
  purpose: StaffLinkPurpose;
  /** SHA-256 of the link's token; the token itself is never stored. */
  token_hash: Buffer;
  /** The admin who sent it; null for an operator at the command line. */
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  /** Set when used, or when a newer link of the same purpose replaced it. */
  used_at: Timestamp | null;
}

export type StaffEventType =
  | 'created' | 'invited' | 'invitation-accepted' | 'role-changed' | 'deactivated' | 'reactivated'
  | 'password-changed' | 'name-changed' | 'password-reset-sent' | 'password-reset' | 'program-access-granted';

/** The append-only history of staff accounts (a trigger refuses UPDATE and DELETE). */
export interface StaffEventsTable {
  id: Generated<string>;
  created_at: CreatedAt;
  /** Who made the change; null for an operator at the command line, or the system. */
  actor_id: string | null;
  /** The account the change is about. */
  subject_id: string;
  /** The program of a role change; null for changes of the account itself. */
  program_id: string | null;
  type: StaffEventType;
  /** What changed (e.g. { from, to } roles); never a password or a token. */
  detail: ColumnType<unknown, string | undefined, never>;
}

export interface StaffAuthTables {
  staff_account_links: StaffAccountLinksTable;
  staff_events: StaffEventsTable;
  staff_second_factors: StaffSecondFactorsTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_pending_sign_ins: StaffPendingSignInsTable;
}

import type { ColumnType } from 'kysely';

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

export interface StaffAuthTables {
  staff_second_factors: StaffSecondFactorsTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_pending_sign_ins: StaffPendingSignInsTable;
}

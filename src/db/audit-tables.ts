import type { ColumnType } from 'kysely';

export type AuditActorKind = 'staff' | 'api-token' | 'operator' | 'system' | 'anonymous';
export type AuditOutcome = 'ok' | 'refused' | 'failed' | 'pending';

/** One entry of the audit log (src/audit/): append-only, hash-chained. */
export interface AuditLogTable {
  /** 1, 2, 3… in chain order; a gap is a deleted entry. */
  seq: ColumnType<string, string | number, never>;
  at: ColumnType<Date, Date, never>;
  actor_kind: ColumnType<AuditActorKind, AuditActorKind, never>;
  /** staff_users.id or api_tokens.id. */
  actor_id: ColumnType<string | null, string | null, never>;
  /** What happened (src/audit/audit-actions.ts). */
  action: ColumnType<string, string, never>;
  outcome: ColumnType<AuditOutcome, AuditOutcome, never>;
  report_id: ColumnType<string | null, string | null, never>;
  /** Another object acted on: a staff member's id, an attachment id, an advisory id, a fingerprint. */
  target: ColumnType<string | null, string | null, never>;
  /** HMAC of the client's IP address; never the address. */
  ip_hash: ColumnType<string | null, string | null, never>;
  /** Canonical JSON of ids and choices; never report text or addresses. */
  details: ColumnType<string, string, never>;
  prev_hash: ColumnType<string, string, never>;
  hash: ColumnType<string, string, never>;
}

/** The chain's head: one row (id 1), locked by every append. */
export interface AuditChainHeadTable {
  id: ColumnType<number, never, never>;
  seq: ColumnType<string, never, string | number>;
  hash: ColumnType<string, never, string>;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  approval_requests: ApprovalRequestsTable;
}

export type ApprovalAction = 'close-not-applicable' | 'close-spam' | 'publish-advisory' | 'send-early-notice';
export type ApprovalState = 'pending' | 'approved' | 'declined';

/** A request under the two-person rule (src/approvals/), waiting for or decided by a second staff member. */
export interface ApprovalRequestsTable {
  id: string;
  program_id: string;
  report_id: string | null;
  advisory_id: string | null;
  action: ApprovalAction;
  /** Choices in clear (closure category, block choice, content hash); never words. */
  params: ColumnType<Record<string, unknown>, string, string>;
  /** The requester's note to the reporter, sealed with the report's key (purpose approval-note:<id>). */
  note_sealed: Buffer | null;
  requested_by: string;
  requested_at: ColumnType<Date, Date | undefined, never>;
  state: ColumnType<ApprovalState, ApprovalState | undefined, ApprovalState>;
  decided_by: string | null;
  decided_at: Date | null;
  /** The approver carrying out an approval right now (a lease; see src/approvals/decide-approval.ts). */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

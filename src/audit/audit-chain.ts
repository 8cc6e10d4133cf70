import type { AuditActorKind, AuditOutcome } from '../db/audit-tables.ts';
import type { AuditKeys } from './audit-keys.ts';

/** The previous hash of the first entry ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an entry that its hash covers, as stored. */
export interface ChainedFields {
  seq: string;
  at: Date;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  action: string;
  outcome: AuditOutcome;
  report_id: string | null;
  target: string | null;
  ip_hash: string | null;
  details: string;
  prev_hash: string;
}

/** JSON with object keys sorted at every level: one text for one value, whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The text an entry's hash is computed over: every stored field in a fixed
 * order, the previous entry's hash included (that is the chain). Times to the
 * millisecond, as both databases and JavaScript keep them.
 */
export function canonicalEntry(e: ChainedFields): string {
  return JSON.stringify(['embargo-audit-v1', e.seq, e.at.toISOString(), e.actor_kind, e.actor_id, e.action, e.outcome, e.report_id, e.target, e.ip_hash, e.details, e.prev_hash]);
}

/** The entry's hash: HMAC-SHA-256 under the chain key (AuditKeys), hex. */
export function entryHash(keys: AuditKeys, e: ChainedFields): string {
  return keys.mac(canonicalEntry(e));
}

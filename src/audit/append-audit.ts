import { sql, type Transaction } from 'kysely';
import type { AuditOutcome } from '../db/audit-tables.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { canonicalJson, entryHash, type ChainedFields } from './audit-chain.ts';
import { auditKeys, type AuditKeys } from './audit-keys.ts';

/** Who acted: a signed-in staff member, an API token, an operator at the command line, housekeeping, or nobody signed in (a failed sign-in). */
export type AuditActor = { kind: 'staff'; id: string } | { kind: 'api-token'; id: string } | { kind: 'operator' } | { kind: 'system' } | { kind: 'anonymous' };

/** Values an entry's details may hold: ids, names of choices, counts. Never report text or addresses. */
export type AuditDetail = string | number | boolean | null | string[];

export interface AuditEntry {
  actor: AuditActor;
  /** What happened, e.g. report.viewed (see docs/security.md for the list). */
  action: string;
  outcome?: AuditOutcome;
  reportId?: string | null;
  /** Another object acted on: a staff member's id, an attachment id, an advisory id, a key fingerprint. */
  target?: string | null;
  /** The client's address; stored as a keyed hash only. */
  ip?: string;
  details?: Record<string, AuditDetail | undefined>;
}

/**
 * Appends one entry in the caller's transaction, so it is kept if and only if
 * what it records commits. The chain head's row lock serialises appends (no
 * fork, across processes too) until the transaction ends: call this last in a
 * transaction, after its other row locks, so lock order is always "business
 * rows, then the head".
 */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry, options: { keys?: AuditKeys; now?: Date } = {}): Promise<string> {
  const keys = options.keys ?? auditKeys();
  const head = await trx.selectFrom('audit_chain_head').select([sql<string>`seq::text`.as('seq'), 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  const at = new Date(Math.floor((options.now ?? new Date()).getTime()));
  const fields: ChainedFields = {
    seq: (BigInt(head.seq) + 1n).toString(),
    at,
    actor_kind: entry.actor.kind,
    actor_id: 'id' in entry.actor ? entry.actor.id : null,
    action: entry.action,
    outcome: entry.outcome ?? 'ok',
    report_id: entry.reportId ?? null,
    target: entry.target ?? null,
    ip_hash: entry.ip ? keys.ipHash(entry.ip) : null,
    details: canonicalJson(entry.details ?? {}),
    prev_hash: head.hash,
  };
  const hash = entryHash(keys, fields);
  await trx.insertInto('audit_log').values({ ...fields, hash }).execute();
  await trx.updateTable('audit_chain_head').set({ seq: fields.seq, hash }).where('id', '=', 1).execute();
  return fields.seq;
}

/** Appends one entry in a transaction of its own: for reads and sign-ins, which change nothing else. */
export async function recordAudit(db: Db, entry: AuditEntry, options: { keys?: AuditKeys; now?: Date } = {}): Promise<string> {
  return db.transaction().execute((trx) => appendAudit(trx, entry, options));
}

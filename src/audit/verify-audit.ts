import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { GENESIS_HASH, entryHash, type ChainedFields } from './audit-chain.ts';
import type { AuditKeys } from './audit-keys.ts';

export const PRUNED_ACTION = 'audit.pruned';

export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  firstSeq: string | null;
  lastSeq: string | null;
  /** The head's hash: write it down somewhere else to notice later if the newest entries were cut off. */
  headHash: string;
  /** The first broken link: the entry at which the chain stops holding, and why. */
  broken?: { seq: string; reason: string };
}

const BATCH = 1000;

/**
 * Walks the whole chain in order and checks each entry's hash (HMAC under the
 * chain key), its link to the entry before, that no number is missing, and
 * that the head names the last entry. The oldest entry links to the genesis
 * hash or, after pruning, to the hash the newest checkpoint recorded.
 */
export async function verifyAuditChain(db: Db, keys: AuditKeys): Promise<AuditVerification> {
  const head = await db.selectFrom('audit_chain_head').select([sql<string>`seq::text`.as('seq'), 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const checkpoint = await db
    .selectFrom('audit_log')
    .select(['details'])
    .where('action', '=', PRUNED_ACTION)
    .orderBy('audit_log.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const pruned = checkpoint ? (JSON.parse(checkpoint.details) as { throughSeq?: string; lastHash?: string }) : undefined;
  let previous: { seq: bigint; hash: string } | undefined;
  let entries = 0;
  let firstSeq: string | null = null;
  const result = (broken?: { seq: string; reason: string }): AuditVerification => ({
    ok: !broken,
    entries,
    firstSeq,
    lastSeq: previous ? previous.seq.toString() : null,
    headHash: head.hash,
    ...(broken ? { broken } : {}),
  });
  for (;;) {
    let query = db
      .selectFrom('audit_log')
      .select([sql<string>`seq::text`.as('seq'), 'at', 'actor_kind', 'actor_id', 'action', 'outcome', sql<string | null>`report_id::text`.as('report_id'), 'target', 'ip_hash', 'details', 'prev_hash', 'hash'])
      .orderBy('audit_log.seq')
      .limit(BATCH);
    if (previous) query = query.where('seq', '>', previous.seq.toString());
    const rows = await query.execute();
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (!previous) {
        firstSeq = row.seq;
        if (seq === 1n) {
          if (row.prev_hash !== GENESIS_HASH) return result({ seq: row.seq, reason: 'the first entry does not start the chain' });
        } else if (!pruned || pruned.throughSeq !== (seq - 1n).toString()) {
          return result({ seq: row.seq, reason: `entries 1 to ${seq - 1n} are missing and no pruning checkpoint accounts for them` });
        } else if (pruned.lastHash !== row.prev_hash) {
          return result({ seq: row.seq, reason: 'it does not link to the last pruned entry its checkpoint names' });
        }
      } else {
        if (seq !== previous.seq + 1n) {
          const gap = seq - 1n === previous.seq + 1n ? `entry ${previous.seq + 1n} is` : `entries ${previous.seq + 1n} to ${seq - 1n} are`;
          return result({ seq: row.seq, reason: `${gap} missing before it` });
        }
        if (row.prev_hash !== previous.hash) return result({ seq: row.seq, reason: 'it does not link to the entry before it' });
      }
      const fields: ChainedFields = { ...row, seq: row.seq };
      if (entryHash(keys, fields) !== row.hash) return result({ seq: row.seq, reason: 'its content does not match its hash (changed after it was written)' });
      previous = { seq, hash: row.hash };
      entries += 1;
    }
    if (rows.length < BATCH) break;
  }
  if (!previous) return head.seq === '0' ? result() : result({ seq: head.seq, reason: `the log is empty but its head names entry ${head.seq}` });
  if (head.seq !== previous.seq.toString() || head.hash !== previous.hash) {
    return result({ seq: head.seq, reason: `the chain head names entry ${head.seq}, the last entry is ${previous.seq}` });
  }
  return result();
}

import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { appendAudit } from './append-audit.ts';
import type { AuditKeys } from './audit-keys.ts';
import { PRUNED_ACTION } from './verify-audit.ts';

/**
 * Deletes entries older than the retention (the oldest ones, a prefix of the
 * chain) and appends a checkpoint naming the last deleted entry and its hash,
 * in one transaction under the chain head's lock. The checkpoint is itself
 * chained and MACed, so `embargo audit verify` still checks the rest from its
 * first entry and notices entries deleted by anyone else.
 */
export async function pruneAuditLog(db: Db, args: { retentionDays: number; now?: Date; keys?: AuditKeys }): Promise<{ deleted: number }> {
  const now = args.now ?? new Date();
  const cutoff = new Date(now.getTime() - args.retentionDays * 86_400_000);
  return db.transaction().execute(async (trx) => {
    // Taken first: no append can slip in between what is counted and what is deleted.
    await trx.selectFrom('audit_chain_head').select('seq').where('id', '=', 1).forUpdate().execute();
    const last = await trx
      .selectFrom('audit_log')
      .select([sql<string>`seq::text`.as('seq'), 'hash'])
      .where('at', '<', cutoff)
      .orderBy('audit_log.seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return { deleted: 0 };
    const deleted = await trx.deleteFrom('audit_log').where('seq', '<=', last.seq).executeTakeFirst();
    const count = Number(deleted.numDeletedRows);
    await appendAudit(trx, { actor: { kind: 'system' }, action: PRUNED_ACTION, details: { throughSeq: last.seq, lastHash: last.hash, deleted: count, retentionDays: args.retentionDays } }, { now, ...(args.keys ? { keys: args.keys } : {}) });
    return { deleted: count };
  });
}

import { sql, type SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import { can, type StaffActor } from '../auth/policies.ts';
import type { AuditActorKind, AuditOutcome } from '../db/audit-tables.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { ForbiddenError } from '../errors.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD.').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'Not a date.');

/** The page's and the export's filters, from the query string; empty fields mean "any". */
export const auditFilterSchema = z.object({
  actor: z.union([z.uuid(), z.literal('')]).optional(),
  action: z.string().trim().max(64).regex(/^[a-z0-9.-]*$/, 'Letters, digits, dots and dashes, e.g. report.viewed or report.').optional(),
  report: z.string().trim().max(40).regex(/^[A-Za-z0-9-]*$/, 'A report reference, e.g. EMB-2026-0001.').optional(),
  from: z.union([day, z.literal('')]).optional(),
  to: z.union([day, z.literal('')]).optional(),
  /** Keyset: entries older than this one (the page's "Older" link). */
  before: z.string().regex(/^\d{1,18}$/).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditRow {
  seq: string;
  at: Date;
  actorKind: AuditActorKind;
  actorId: string | null;
  /** The staff member's name as it is now (not stored in the log). */
  actorName: string | null;
  action: string;
  outcome: AuditOutcome;
  reportId: string | null;
  reportReference: string | null;
  target: string | null;
  ipHash: string | null;
  details: string;
  prevHash: string;
  hash: string;
}

/**
 * An administrator of any program reads the audit log, but only the entries about reports of the
 * programs they administer, with the instance's entries that name no report (sign-ins, accounts,
 * settings): one program's admin learns nothing of another program's reports, not even references.
 * The command line (`embargo audit`) reads everything: 'instance'.
 */
export type AuditScope = { programIds: readonly string[] } | 'instance';

/** The audit log as this staff member may read it; refuses anyone who administers no program. */
export function assertMayReadAudit(actor: StaffActor): AuditScope {
  if (!can.viewAuditLog(actor)) throw new ForbiddenError('Only administrators read the audit log.');
  return { programIds: [...actor.roles].filter(([, role]) => role === 'admin').map(([id]) => id) };
}

function filtered(db: Db, f: AuditFilter, scope: AuditScope): SelectQueryBuilder<Database, 'audit_log' | 'staff_users' | 'reports', object> {
  let q = db
    .selectFrom('audit_log')
    // Joins on the id as text: the log names tokens and operators too, whose ids are not staff accounts.
    .leftJoin('staff_users', (j) => j.on(sql`staff_users.id::text`, '=', sql.ref('audit_log.actor_id')))
    .leftJoin('reports', 'reports.id', 'audit_log.report_id');
  if (scope !== 'instance') {
    const ids = scope.programIds;
    q = q.where((eb) => (ids.length ? eb.or([eb('audit_log.report_id', 'is', null), eb('reports.program_id', 'in', ids)]) : eb('audit_log.report_id', 'is', null)));
  }
  if (f.actor) q = q.where('audit_log.actor_id', '=', f.actor);
  if (f.action) q = f.action.endsWith('.') ? q.where('audit_log.action', 'like', `${f.action}%`) : q.where('audit_log.action', '=', f.action);
  if (f.report) q = q.where('reports.reference', '=', f.report.toUpperCase());
  if (f.from) q = q.where('audit_log.at', '>=', new Date(`${f.from}T00:00:00Z`));
  if (f.to) q = q.where('audit_log.at', '<', new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000));
  if (f.before) q = q.where('audit_log.seq', '<', f.before);
  return q;
}

/** Newest first, `limit` at a time (keyset on seq), with the name and reference the ids stand for. */
export async function listAudit(db: Db, f: AuditFilter, limit: number, scope: AuditScope = 'instance'): Promise<AuditRow[]> {
  const rows = await filtered(db, f, scope)
    .select([
      sql<string>`audit_log.seq::text`.as('seq'),
      'audit_log.at',
      'audit_log.actor_kind',
      'audit_log.actor_id',
      'staff_users.display_name',
      'audit_log.action',
      'audit_log.outcome',
      sql<string | null>`audit_log.report_id::text`.as('report_id'),
      'reports.reference',
      'audit_log.target',
      'audit_log.ip_hash',
      'audit_log.details',
      'audit_log.prev_hash',
      'audit_log.hash',
    ])
    .orderBy('audit_log.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorName: r.display_name,
    action: r.action,
    outcome: r.outcome,
    reportId: r.report_id,
    reportReference: r.reference,
    target: r.target,
    ipHash: r.ip_hash,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/** Every matching entry, newest first, a batch at a time: an export of years of log never sits in memory. */
export async function* streamAudit(db: Db, f: AuditFilter, scope: AuditScope = 'instance', batch = 1000): AsyncGenerator<AuditRow> {
  let before = f.before;
  for (;;) {
    const rows = await listAudit(db, { ...f, ...(before ? { before } : {}) }, batch, scope);
    yield* rows;
    if (rows.length < batch) return;
    before = rows.at(-1)!.seq;
  }
}

/** The staff accounts that appear in the log, for the actor filter. */
export async function auditActors(db: Db): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('staff_users')
    .select(['id', 'display_name'])
    .where('email', 'not like', '%@api-tokens.invalid')
    .orderBy('display_name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}

import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { auditStaffEvent } from '../../audit/audit-hooks.ts';
import type { StaffEventType } from '../../db/staff-auth-tables.ts';

/** Writes one row of the accounts' history, in the caller's transaction (the table refuses changes afterwards). */
export async function recordStaffEvent(
  trx: Db,
  event: { actorId: string | null; subjectId: string; type: StaffEventType; programId?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('staff_events')
    .values({ actor_id: event.actorId, subject_id: event.subjectId, program_id: event.programId ?? null, type: event.type, detail: JSON.stringify(event.detail ?? {}) })
    .execute();
  await auditStaffEvent(trx as Transaction<Database>, event); // and in the audit log (roles and ids, no names)
}

export interface StaffHistoryEntry {
  at: Date;
  type: StaffEventType;
  /** Null: an operator at the command line, or the system. */
  actorName: string | null;
  subjectName: string;
  programName: string | null;
  detail: Record<string, unknown>;
}

/** The newest entries of the accounts' history, with names as they are now. */
export async function listStaffHistory(db: Db, limit = 100): Promise<StaffHistoryEntry[]> {
  const rows = await db
    .selectFrom('staff_events as e')
    .innerJoin('staff_users as s', 's.id', 'e.subject_id')
    .leftJoin('staff_users as a', 'a.id', 'e.actor_id')
    .leftJoin('programs as p', 'p.id', 'e.program_id')
    .select(['e.created_at', 'e.type', 'a.display_name as actor', 's.display_name as subject', 'p.name as program', 'e.detail'])
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ at: r.created_at, type: r.type, actorName: r.actor, subjectName: r.subject, programName: r.program, detail: (r.detail ?? {}) as Record<string, unknown> }));
}

/** One history entry in words, e.g. "Ada reactivated Otto" or "Ada changed Rolf's role in Example from triager to lead". */
export function describeStaffEvent(e: StaffHistoryEntry): string {
  // Changes made by single sign-on (src/staff/sso/): the provider's groups decided them.
  const byProvider = e.detail.by === 'identity-provider';
  const who = byProvider ? "The identity provider's groups" : (e.actorName ?? 'An operator (command line)');
  const role = (v: unknown) => (typeof v === 'string' ? v : 'no role');
  const where = e.programName ? ` in ${e.programName}` : '';
  switch (e.type) {
    case 'created':
      if (byProvider) return `The account of ${e.subjectName} was created at their first single sign-on`;
      // Made by `embargo user add` or the first-admin setup link.
      return `The account of ${e.subjectName} was created (${role(e.detail.role)} in every program)`;
    case 'invited':
      return `${who} invited ${e.subjectName} as ${role(e.detail.role)}${where}`;
    case 'invitation-accepted':
      return `${e.subjectName} accepted the invitation`;
    case 'role-changed':
      return `${who} changed the role of ${e.subjectName}${where} from ${role(e.detail.from)} to ${role(e.detail.to)}`;
    case 'deactivated':
      return `${who} deactivated ${e.subjectName}`;
    case 'reactivated':
      return `${who} reactivated ${e.subjectName}`;
    case 'password-changed':
      return `${e.subjectName} changed their password`;
    case 'name-changed':
      return `${e.subjectName} changed their display name from “${String(e.detail.from)}”`;
    case 'password-reset-sent':
      return `${who} sent ${e.subjectName} a password reset link`;
    case 'password-reset':
      return `${e.subjectName} set a new password with a reset link`;
    case 'program-access-granted':
      return `${e.subjectName} became admin${where}, a new program, as an admin of every program`;
  }
}

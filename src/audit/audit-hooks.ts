import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Database, EventType } from '../db/schema.ts';
import type { StaffEventType } from '../db/staff-auth-tables.ts';
import { appendAudit, recordAudit, type AuditDetail } from './append-audit.ts';

// The few calls the rest of the code makes into the audit log, one line at each
// place where something is done or read. They carry ids and names of choices
// only: report text, names and e-mail addresses never reach the log.

/** Event data worth keeping in the log: moves between states and kinds of things, never words. */
const EVENT_DETAIL_KEYS = ['from', 'to', 'kind', 'advisoryId', 'duplicateOf', 'assigneeId', 'version', 'noticeId', 'recipients', 'tlp', 'staffIds', 'added', 'removed'] as const;

/** A staff member's change of a report (the report's event, src/reports/record-event.ts), in the same transaction. */
export async function auditReportEvent(trx: Transaction<Database>, actorId: string, reportId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
  const details: Record<string, AuditDetail> = {};
  for (const key of EVENT_DETAIL_KEYS) {
    const value = data[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) details[key] = value;
    // Staff ids (who is named on a restricted report): ids, never names.
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) details[key] = value as string[];
  }
  await appendAudit(trx, { actor: { kind: 'staff', id: actorId }, action: `report.${type}`, reportId, details });
}

/** A change of a staff account (the accounts' history, src/staff/accounts/staff-events.ts), in the same transaction. */
export async function auditStaffEvent(
  trx: Transaction<Database>,
  event: { actorId: string | null; subjectId: string; type: StaffEventType; programId?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  const d = event.detail ?? {};
  // Roles and who decided them; a changed display name stays in the accounts' history only (it is a name).
  const details: Record<string, AuditDetail> = { programId: event.programId ?? null };
  const keys = event.type === 'name-changed' ? (['by'] as const) : (['from', 'to', 'role', 'by'] as const);
  for (const key of keys) if (typeof d[key] === 'string' || d[key] === null) details[key] = d[key] as string | null;
  await appendAudit(trx, { actor: event.actorId ? { kind: 'staff', id: event.actorId } : { kind: event.detail?.by === 'identity-provider' ? 'system' : 'operator' }, action: `staff.${event.type}`, target: event.subjectId, details });
}

/** A staff member signed in (any way: password, second step, single sign-on, passkey). */
export async function auditSignIn(ctx: Pick<AppContext, 'db'>, userId: string, ip?: string): Promise<void> {
  await recordAudit(ctx.db, { actor: { kind: 'staff', id: userId }, action: 'sign-in', ...(ip ? { ip } : {}) });
}

/** A staff member signed out (nothing when the session had already ended). */
export async function auditSignOut(ctx: Pick<AppContext, 'db'>, userId: string | undefined): Promise<void> {
  if (userId) await recordAudit(ctx.db, { actor: { kind: 'staff', id: userId }, action: 'sign-out' });
}

/** A sign-in that was refused: who tried is not known (the e-mail typed is not kept), only a keyed hash of where from. */
export async function auditSignInRefused(
  ctx: Pick<AppContext, 'db'>,
  ip: string,
  reason: 'wrong-password' | 'rate-limited' | 'password-sign-in-off' | 'wrong-code' | 'sso-refused' | 'passkey-refused',
  /** Why, as a code of the check that failed (e.g. the OpenID state, an unknown passkey): never a name or address. */
  check?: string,
): Promise<void> {
  await recordAudit(ctx.db, { actor: { kind: 'anonymous' }, action: 'sign-in', outcome: 'refused', ip, details: check ? { reason, check } : { reason } });
}

/** Who read which report when: the staff report page, or the API. */
export async function auditReportRead(
  ctx: Pick<AppContext, 'db'>,
  actor: { kind: 'staff'; id: string } | { kind: 'api-token'; id: string },
  reportId: string,
  what: 'report.viewed' | 'attachment.downloaded' | 'original.downloaded' | 'report.exported' | 'reporter-data.exported',
  target?: string,
  via: 'page' | 'api' = actor.kind === 'staff' ? 'page' : 'api',
): Promise<void> {
  await recordAudit(ctx.db, { actor, action: what, reportId, target: target ?? null, details: { via } });
}

/** Something else done at the instance level, in its own transaction (policy published, key generated, audit log exported…). */
export async function auditAction(
  db: AppContext['db'],
  entry: { actor: { kind: 'staff'; id: string } | { kind: 'operator' } | { kind: 'system' } | { kind: 'api-token'; id: string }; action: string; target?: string | null; reportId?: string | null; outcome?: 'ok' | 'refused' | 'failed' | 'pending'; details?: Record<string, AuditDetail> },
): Promise<void> {
  await recordAudit(db, entry);
}

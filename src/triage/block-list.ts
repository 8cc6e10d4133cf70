import type { Transaction } from 'kysely';
import { can, type StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { recordEvent } from '../reports/record-event.ts';
import { lockReport } from '../reports/report-actions.ts';
import type { SenderHasher } from './sender-hash.ts';

/**
 * How long an IP block may last. An IP address is often shared (NAT, a
 * company proxy, a Tor exit), so blocking one may quarantine honest
 * researchers too: it is always an admin's explicit choice, and it ends.
 */
export const IP_BLOCK_DAYS = [1, 7, 30] as const;
export type IpBlockDays = (typeof IP_BLOCK_DAYS)[number];

/** What "block the sender" blocks: the e-mail address (until removed), and the submitting IP only when chosen, for a number of days. */
export interface SenderBlockChoice {
  email: boolean;
  ipDays: IpBlockDays | null;
}

/** Parses the closing form's IP choice ('' / '1' / '7' / '30'); anything else is refused. */
export function parseIpBlockDays(value: string | undefined): IpBlockDays | null {
  if (value === undefined || value === '' || value === 'no') return null;
  const days = Number(value);
  if (!(IP_BLOCK_DAYS as readonly number[]).includes(days)) throw new ValidationError({ blockIp: 'Block the IP address for 1, 7 or 30 days, or not at all.' });
  return days as IpBlockDays;
}

const DAY_MS = 86_400_000;

/**
 * Puts a report's sender on its program's block list, as keyed hashes: the
 * e-mail address when `choice.email`, the submitting IP (when known) only
 * with `choice.ipDays`, which only an admin of the program may choose.
 * Blocking again replaces the entry (an IP block gets the new expiry).
 */
export async function blockReportSender(
  trx: Transaction<Database>,
  vault: ReportVault,
  hasher: SenderHasher,
  args: { reportId: string; actorId: string; reason: string; choice: SenderBlockChoice; now?: Date },
): Promise<{ email: boolean; ip: boolean }> {
  const now = args.now ?? new Date();
  // The address is sealed: open the report to read it, and keep only its hash.
  const report = await lockReport(trx, vault, args.reportId);
  if (args.choice.ipDays !== null) {
    const membership = await trx.selectFrom('memberships').select('role').where('user_id', '=', args.actorId).where('program_id', '=', report.program_id).executeTakeFirst();
    if (!can.blockIpAddress(membership?.role)) throw new ForbiddenError('Only an admin of the program can block an IP address.');
    if (!(IP_BLOCK_DAYS as readonly number[]).includes(args.choice.ipDays)) throw new ValidationError({ blockIp: 'Block the IP address for 1, 7 or 30 days, or not at all.' });
  }
  const entries = [
    ...(args.choice.email && report.reporter_email ? [{ kind: 'email' as const, value_hash: hasher.email(report.reporter_email), expires_at: null }] : []),
    ...(args.choice.ipDays !== null && report.submitter_ip_hash
      ? [{ kind: 'ip' as const, value_hash: report.submitter_ip_hash, expires_at: new Date(now.getTime() + args.choice.ipDays * DAY_MS) }]
      : []),
  ];
  for (const e of entries) {
    // Blocking again replaces the entry: the list shows the latest decision (who, when, which report, until when).
    await trx.deleteFrom('blocked_senders').where('program_id', '=', report.program_id).where('kind', '=', e.kind).where('value_hash', '=', e.value_hash).execute();
    await trx
      .insertInto('blocked_senders')
      .values({ program_id: report.program_id, ...e, reason: args.reason, report_id: report.id, blocked_by: args.actorId, created_at: now })
      .execute();
  }
  const blocked = { email: entries.some((e) => e.kind === 'email'), ip: entries.some((e) => e.kind === 'ip') };
  await recordEvent(trx, {
    reportId: report.id,
    actor: { kind: 'staff', id: args.actorId },
    type: 'sender-blocked',
    data: { ...blocked, ...(blocked.ip ? { ipDays: args.choice.ipDays } : {}) },
    reporterVisible: false,
  });
  return blocked;
}

/**
 * The block-list entries of a program that match a submission and still count (e-mail blocks until
 * removed, IP blocks until they expire): their kinds, as a query assessSubmission asks in one round
 * trip with its other checks; undefined when there is nothing to look up.
 */
export function activeBlocksQuery(db: Db, args: { programId: string; emailHash: Buffer | null; ipHash: Buffer | null; now?: Date }) {
  const lookups = [...(args.emailHash ? [{ kind: 'email' as const, hash: args.emailHash }] : []), ...(args.ipHash ? [{ kind: 'ip' as const, hash: args.ipHash }] : [])];
  if (lookups.length === 0) return undefined;
  const now = args.now ?? new Date();
  // Served by the unique (program_id, kind, value_hash) index.
  return db
    .selectFrom('blocked_senders')
    .select('kind')
    .where('program_id', '=', args.programId)
    .where((eb) => eb.or(lookups.map((l) => eb.and([eb('kind', '=', l.kind), eb('value_hash', '=', l.hash)]))))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
}

/** Which kinds of sender the matching entries block. */
export function blocksOf(kinds: readonly string[]): { email: boolean; ip: boolean } {
  return { email: kinds.includes('email'), ip: kinds.includes('ip') };
}

export interface BlockListEntry {
  id: string;
  programId: string;
  programName: string;
  kind: 'email' | 'ip';
  createdAt: Date;
  blockedBy: string | null;
  reason: string;
  reportReference: string | null;
  expiresAt: Date | null;
  /** An expired IP block no longer counts; it stays listed until removed. */
  expired: boolean;
}

/** The block lists of the programs the actor administers, newest first; refused to anyone who administers none. */
export async function listBlocks(db: Db, actor: StaffActor, now: Date = new Date()): Promise<BlockListEntry[]> {
  const programIds = [...actor.roles.keys()].filter((id) => can.manageBlockList(actor, id));
  if (programIds.length === 0) throw new ForbiddenError('Only administrators see the block list.');
  const rows = await db
    .selectFrom('blocked_senders as b')
    .innerJoin('programs as p', 'p.id', 'b.program_id')
    .leftJoin('staff_users as u', 'u.id', 'b.blocked_by')
    .leftJoin('reports as r', 'r.id', 'b.report_id')
    .select(['b.id', 'b.program_id', 'p.name as program_name', 'b.kind', 'b.created_at', 'u.display_name', 'b.reason', 'r.reference', 'b.expires_at'])
    .where('b.program_id', 'in', programIds)
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    programId: r.program_id,
    programName: r.program_name,
    kind: r.kind,
    createdAt: r.created_at,
    blockedBy: r.display_name,
    reason: r.reason,
    reportReference: r.reference,
    expiresAt: r.expires_at,
    expired: r.expires_at !== null && r.expires_at <= now,
  }));
}

/**
 * Removes an entry from the block list (an admin of its program only): the
 * sender's next submission is judged without it. Recorded in the timeline of
 * the report the block came from.
 */
export async function removeBlock(db: Db, actor: StaffActor, blockId: string): Promise<{ kind: 'email' | 'ip'; reportId: string | null }> {
  return db.transaction().execute(async (trx) => {
    const entry = await trx.selectFrom('blocked_senders').select(['id', 'program_id', 'kind', 'report_id']).where('id', '=', blockId).forUpdate().executeTakeFirst();
    // An entry of a program the actor has no role in is "not found", like one that does not exist.
    if (!entry || !actor.roles.has(entry.program_id)) throw new NotFoundError('This block-list entry');
    if (!can.manageBlockList(actor, entry.program_id)) throw new ForbiddenError('Only an admin of the program can remove a block.');
    await trx.deleteFrom('blocked_senders').where('id', '=', entry.id).execute();
    if (entry.report_id) {
      await recordEvent(trx, { reportId: entry.report_id, actor: { kind: 'staff', id: actor.userId }, type: 'sender-unblocked', data: { kind: entry.kind }, reporterVisible: false });
    }
    return { kind: entry.kind, reportId: entry.report_id };
  });
}

import { createHmac } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ReportVault, DataKey } from '../crypto/report-vault.ts';
import type { CoordinationPartiesTable, PartyDisclosureAnswer, PartyRole, PartyStatus } from '../db/coordination-tables.ts';
import type { Database } from '../db/schema.ts';
import { isWellFormedToken } from '../domain/tokens.ts';
import { reportKey } from '../reports/report-contents.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * Invited parties, as the rest of the feature reads them: the sealed contact
 * opened, the link token looked up by its keyed hash only.
 */

export const PARTY_ROLES: readonly PartyRole[] = ['maintainer', 'vendor', 'coordinator'];
export const PARTY_STATUSES: readonly PartyStatus[] = ['invited', 'engaged', 'fixed', 'not-affected'];
export const ROLE_LABELS: Record<PartyRole, string> = { maintainer: 'Upstream maintainer', vendor: 'Affected vendor', coordinator: 'Coordinator (CERT/CSIRT)' };
export const STATUS_LABELS: Record<PartyStatus, string> = { invited: 'Invited', engaged: 'Engaged', fixed: 'Fixed', 'not-affected': 'Not affected' };
/** The statuses whose answer the disclosure date waits for: a party that took part and is affected. */
export const ENGAGED_STATUSES: readonly PartyStatus[] = ['engaged', 'fixed'];

type AnyDb = Kysely<Database> | Transaction<Database>;

export interface PartyContact {
  name: string;
  email: string;
}

export interface Party {
  id: string;
  reportId: string;
  number: number;
  role: PartyRole;
  name: string;
  email: string;
  status: PartyStatus;
  fixDate: string | null;
  answer: { kind: PartyDisclosureAnswer; at: Date; timeZone: string | null } | null;
  createdAt: Date;
  firstOpenedAt: Date | null;
  revokedAt: Date | null;
}

/** The keyed hash a party's link is found by: a stolen database alone cannot test guessed tokens. */
export function partyTokenHash(secret: InstanceSecret, token: string): Buffer {
  return createHmac('sha256', secret.derive('party-link-token', 'v1')).update(token, 'utf8').digest();
}

const contactPurpose = (partyId: string) => `party:${partyId}`;

export function sealContact(vault: ReportVault, key: DataKey, partyId: string, contact: PartyContact): Buffer {
  return vault.sealJson(key, contactPurpose(partyId), contact);
}

type PartyRow = Selectable<CoordinationPartiesTable>;

function toParty(vault: ReportVault, key: DataKey, row: PartyRow): Party {
  const contact = vault.openJson<PartyContact>(key, contactPurpose(row.id), row.contact_sealed);
  return {
    id: row.id,
    reportId: row.report_id,
    number: row.number,
    role: row.role,
    name: contact.name,
    email: contact.email,
    status: row.status,
    fixDate: row.fix_date,
    answer: row.disclosure_answer && row.disclosure_answer_at ? { kind: row.disclosure_answer, at: row.disclosure_answer_at, timeZone: row.disclosure_answer_time_zone } : null,
    createdAt: row.created_at,
    firstOpenedAt: row.first_opened_at,
    revokedAt: row.revoked_at,
  };
}

export async function loadReportKey(db: AnyDb, vault: ReportVault, reportId: string): Promise<DataKey> {
  const row = await db.selectFrom('reports').select(['id', 'data_key']).where('id', '=', reportId).executeTakeFirstOrThrow();
  return reportKey(vault, row);
}

/** A report's parties, revoked ones included, in the order they were invited. */
export async function listParties(db: AnyDb, vault: ReportVault, reportId: string): Promise<Party[]> {
  const rows = await db.selectFrom('coordination_parties').selectAll().where('report_id', '=', reportId).orderBy('number').execute();
  if (rows.length === 0) return [];
  const key = await loadReportKey(db, vault, reportId);
  return rows.map((r) => toParty(vault, key, r));
}

/** One party of one report (staff routes name it by id); undefined when it is not that report's. */
export async function findParty(db: AnyDb, vault: ReportVault, reportId: string, partyId: string): Promise<Party | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(partyId)) return undefined;
  const row = await db.selectFrom('coordination_parties').selectAll().where('id', '=', partyId).where('report_id', '=', reportId).executeTakeFirst();
  return row ? toParty(vault, await loadReportKey(db, vault, reportId), row) : undefined;
}

/**
 * The party a link belongs to: `missing` for a token nobody was given (404),
 * `revoked` for a party whose access ended (410). Only the keyed hash is compared.
 */
export async function findPartyByToken(db: AnyDb, vault: ReportVault, secret: InstanceSecret, token: string): Promise<{ kind: 'found'; party: Party } | { kind: 'missing' } | { kind: 'revoked' }> {
  if (!isWellFormedToken(token)) return { kind: 'missing' };
  const row = await db.selectFrom('coordination_parties').selectAll().where('token_hash', '=', partyTokenHash(secret, token)).executeTakeFirst();
  if (!row) return { kind: 'missing' };
  if (row.revoked_at) return { kind: 'revoked' };
  return { kind: 'found', party: toParty(vault, await loadReportKey(db, vault, row.report_id), row) };
}

/** Whether the reporter agreed to be named to the parties (default: no). */
export async function reporterNamed(db: AnyDb, reportId: string): Promise<boolean> {
  const row = await db.selectFrom('coordination_reporter_choices').select('named').where('report_id', '=', reportId).executeTakeFirst();
  return row?.named ?? false;
}

/** "Party 2 (Affected vendor)": how events and refusals name a party without its sealed name. */
export const partyLabel = (p: { number: number; role: PartyRole }) => `Party ${p.number} (${ROLE_LABELS[p.role].toLowerCase()})`;

import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { openMessageBody } from '../reports/report-contents.ts';
import { loadReportKey, type Party } from './parties.ts';

const purpose = (id: string) => `coordination-message:${id}`;

export function sealCoordinationMessage(vault: ReportVault, key: DataKey, id: string, body: string): Buffer {
  return vault.seal(key, purpose(id), body);
}

/** One message as a party or the staff panel shows it. */
export interface CoordinationEntry {
  id: string;
  at: Date;
  /** Who wrote it: the security team, the reporter (thread messages shared), or a party (by id). */
  author: { kind: 'staff'; name: string | null } | { kind: 'reporter' } | { kind: 'party'; partyId: string };
  source: 'thread' | 'coordination';
  body: string;
  /** The parties it is shared with (staff view); a party's own posts are its own. */
  sharedWith: string[];
}

/**
 * The coordination view of a report's messages. For a party (`forParty`):
 * only what was shared with it, and what it wrote itself; never internal
 * notes or the reporter's thread otherwise. For staff: the coordination
 * thread and every shared thread message, each with whom it is shared.
 */
export async function loadCoordinationEntries(db: Db, vault: ReportVault, reportId: string, forParty?: Party): Promise<CoordinationEntry[]> {
  let shares = db.selectFrom('coordination_shares as s').innerJoin('coordination_parties as p', 'p.id', 's.party_id').select(['s.party_id', 's.thread_message_id', 's.coordination_message_id']).where('p.report_id', '=', reportId);
  if (forParty) shares = shares.where('s.party_id', '=', forParty.id);
  const shareRows = await shares.execute();
  const sharedWith = new Map<string, string[]>();
  for (const s of shareRows) {
    const id = (s.thread_message_id ?? s.coordination_message_id)!;
    sharedWith.set(id, [...(sharedWith.get(id) ?? []), s.party_id]);
  }
  const threadIds = shareRows.flatMap((s) => (s.thread_message_id ? [s.thread_message_id] : []));
  const coordinationIds = shareRows.flatMap((s) => (s.coordination_message_id ? [s.coordination_message_id] : []));
  const key = await loadReportKey(db, vault, reportId);
  const thread = threadIds.length
    ? await db
        .selectFrom('report_messages as m')
        .leftJoin('staff_users as u', 'u.id', 'm.author_id')
        .select(['m.id', 'm.author_kind', 'm.body_sealed', 'm.created_at', 'u.display_name'])
        .where('m.report_id', '=', reportId)
        .where('m.id', 'in', threadIds)
        .execute()
    : [];
  let coordination = db
    .selectFrom('coordination_messages as m')
    .leftJoin('staff_users as u', 'u.id', 'm.author_id')
    .select(['m.id', 'm.party_id', 'm.body_sealed', 'm.created_at', 'u.display_name'])
    .where('m.report_id', '=', reportId);
  if (forParty) {
    const own = forParty.id;
    coordination = coordination.where((eb) => eb.or([eb('m.party_id', '=', own), ...(coordinationIds.length ? [eb('m.id', 'in', coordinationIds)] : [])]));
  }
  const entries: CoordinationEntry[] = [
    ...thread.map((m) => ({
      id: m.id,
      at: m.created_at,
      author: m.author_kind === 'reporter' ? ({ kind: 'reporter' } as const) : ({ kind: 'staff', name: m.display_name } as const),
      source: 'thread' as const,
      body: openMessageBody(vault, key, m.id, m.body_sealed),
      sharedWith: sharedWith.get(m.id) ?? [],
    })),
    ...(await coordination.execute()).map((m) => ({
      id: m.id,
      at: m.created_at,
      author: m.party_id ? ({ kind: 'party', partyId: m.party_id } as const) : ({ kind: 'staff', name: m.display_name } as const),
      source: 'coordination' as const,
      body: vault.openText(key, purpose(m.id), m.body_sealed),
      sharedWith: sharedWith.get(m.id) ?? [],
    })),
  ];
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}

import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Report } from '../db/schema.ts';
import { hashToken, isWellFormedToken } from '../domain/tokens.ts';
import { eventDataWithText } from './event-text.ts';
import { RESTRICTED_TITLE, readableBy } from './restricted-access.ts';
import { openAttachmentDigest, openAttachmentName, openMessageBody, openReport, openTitle, reportKey } from './report-contents.ts';

export type Audience = 'staff' | 'reporter';

export interface AttachmentInfo {
  id: string;
  messageId: string | null;
  filename: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

export type TimelineEntry =
  | {
      kind: 'message';
      id: string;
      at: Date;
      authorKind: 'reporter' | 'staff';
      authorName: string | null;
      visibility: 'reporter' | 'internal';
      body: string;
      attachments: AttachmentInfo[];
    }
  | {
      kind: 'event';
      id: string;
      at: Date;
      type: string;
      /** Who acted: the reporter's own actions read as theirs on both pages, whatever the event. */
      actorKind: 'staff' | 'reporter' | 'system';
      actorName: string | null;
      data: Record<string, unknown>;
    };

/** The report with a reference, opened; undefined when there is none. */
export async function findReportByReference(db: Db, vault: ReportVault, reference: string): Promise<Report | undefined> {
  const row = await db.selectFrom('reports').selectAll().where('reference', '=', reference).executeTakeFirst();
  return row && openReport(vault, row);
}

/** The report a tracking token opens, or undefined (also for malformed tokens: no lookup). */
export async function findReportByTrackingToken(db: Db, vault: ReportVault, token: string): Promise<Report | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const row = await db.selectFrom('reports').selectAll().where('tracking_token_hash', '=', hashToken(token)).executeTakeFirst();
  return row && openReport(vault, row);
}

async function loadReportKey(db: Db, vault: ReportVault, reportId: string) {
  const row = await db.selectFrom('reports').select(['id', 'data_key']).where('id', '=', reportId).executeTakeFirstOrThrow();
  return reportKey(vault, row);
}

/** Attachment metadata of a report; contents are fetched only on download. */
export async function listAttachments(db: Db, vault: ReportVault, reportId: string): Promise<AttachmentInfo[]> {
  const rows = await db
    .selectFrom('report_attachments')
    .select(['id', 'message_id', 'filename_sealed', 'size', 'sha256', 'sha256_sealed', 'created_at'])
    .where('report_id', '=', reportId)
    .orderBy('created_at')
    .execute();
  if (rows.length === 0) return [];
  const key = await loadReportKey(db, vault, reportId);
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    filename: openAttachmentName(vault, key, r.id, r.filename_sealed),
    size: r.size,
    // In clear only on rows of earlier versions not yet sealed on start.
    sha256: r.sha256_sealed ? openAttachmentDigest(vault, key, r.id, r.sha256_sealed) : (r.sha256 ?? ''),
    createdAt: r.created_at,
  }));
}

/**
 * Messages and events of a report in order. The reporter's audience sees
 * only reporter-visible entries, and staff names are never disclosed to it.
 */
export async function loadTimeline(db: Db, vault: ReportVault, reportId: string, audience: Audience, attachments: AttachmentInfo[]): Promise<TimelineEntry[]> {
  let messages = db
    .selectFrom('report_messages as m')
    .leftJoin('staff_users as u', 'u.id', 'm.author_id')
    .select(['m.id', 'm.created_at', 'm.author_kind', 'm.visibility', 'm.body_sealed', 'u.display_name'])
    .where('m.report_id', '=', reportId);
  let events = db
    .selectFrom('report_events as e')
    .leftJoin('staff_users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.created_at', 'e.type', 'e.actor_kind', 'e.data', 'e.text_sealed', 'u.display_name'])
    .where('e.report_id', '=', reportId)
    // Messages carry their own entries; their events would only repeat them.
    .where('e.type', 'not in', ['reporter-replied', 'staff-replied', 'note-added']);
  if (audience === 'reporter') {
    messages = messages.where('m.visibility', '=', 'reporter');
    events = events.where('e.reporter_visible', '=', true);
  }
  const [m, e] = await Promise.all([messages.orderBy('m.created_at').execute(), events.orderBy('e.id').execute()]);
  const key = m.length > 0 || e.some((r) => r.text_sealed) ? await loadReportKey(db, vault, reportId) : undefined;
  const byMessage = new Map<string, AttachmentInfo[]>();
  for (const a of attachments) if (a.messageId) byMessage.set(a.messageId, [...(byMessage.get(a.messageId) ?? []), a]);
  const entries: TimelineEntry[] = [
    ...m.map((r) => ({
      kind: 'message' as const,
      id: r.id,
      at: r.created_at,
      authorKind: r.author_kind,
      authorName: audience === 'staff' ? r.display_name : null,
      visibility: r.visibility,
      body: openMessageBody(vault, key!, r.id, r.body_sealed),
      attachments: byMessage.get(r.id) ?? [],
    })),
    ...e.map((r) => ({
      kind: 'event' as const,
      id: r.id,
      at: r.created_at,
      type: r.type,
      actorKind: r.actor_kind,
      actorName: audience === 'staff' ? r.display_name : null,
      data: eventDataWithText(vault, key, r),
    })),
  ];
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Titles of reports by id, for lists that select no content themselves (the "Due" view); a restricted report the reader is not named on reads "Restricted report". */
export async function findReportTitles(db: Db, vault: ReportVault, reportIds: readonly string[], readerId: string | null): Promise<Map<string, string>> {
  if (reportIds.length === 0) return new Map();
  const rows = await db.selectFrom('reports').select(['id', 'data_key', 'title_sealed', 'restricted_to']).where('id', 'in', reportIds).execute();
  return new Map(rows.map((r) => [r.id, readableBy(readerId, r.restricted_to) ? openTitle(vault, r) : RESTRICTED_TITLE]));
}

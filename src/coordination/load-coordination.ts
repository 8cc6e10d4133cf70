import type { StaffActor } from '../auth/policies.ts';
import type { AppContext } from '../context.ts';
import { openMessageBody } from '../reports/report-contents.ts';
import { canCoordinate } from './coordination-policy.ts';
import { loadCoordinationEntries, type CoordinationEntry } from './coordination-messages.ts';
import { listParties, loadReportKey, reporterNamed, type Party } from './parties.ts';

/** What the staff report page's Coordination group shows and offers. */
export interface CoordinationView {
  parties: Party[];
  entries: CoordinationEntry[];
  /** The report's thread, newest first, to pick a message to share (a preview of each). */
  threadMessages: { id: string; label: string }[];
  reporterNamed: boolean;
  canInvite: boolean;
  canRevoke: boolean;
  canShare: boolean;
}

const preview = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 70 ? `${line.slice(0, 69)}…` : line;
};

/** The Coordination group's view for a staff member who may see the report. */
export async function loadCoordinationView(ctx: Pick<AppContext, 'db' | 'vault'>, actor: StaffActor, report: { id: string; program_id: string }): Promise<CoordinationView | undefined> {
  if (!canCoordinate.view(actor, report)) return undefined;
  const [parties, entries, named, messages] = await Promise.all([
    listParties(ctx.db, ctx.vault, report.id),
    loadCoordinationEntries(ctx.db, ctx.vault, report.id),
    reporterNamed(ctx.db, report.id),
    ctx.db.selectFrom('report_messages').select(['id', 'author_kind', 'visibility', 'body_sealed', 'created_at']).where('report_id', '=', report.id).orderBy('created_at', 'desc').limit(50).execute(),
  ]);
  const key = messages.length ? await loadReportKey(ctx.db, ctx.vault, report.id) : undefined;
  const threadMessages = messages.map((m) => ({
    id: m.id,
    label: `${m.created_at.toISOString().slice(0, 16).replace('T', ' ')} · ${m.author_kind === 'reporter' ? 'reporter' : m.visibility === 'internal' ? 'internal note' : 'team reply'} · ${preview(openMessageBody(ctx.vault, key!, m.id, m.body_sealed))}`,
  }));
  return {
    parties,
    entries,
    threadMessages,
    reporterNamed: named,
    canInvite: canCoordinate.invite(actor, report),
    canRevoke: canCoordinate.revoke(actor, report),
    canShare: canCoordinate.share(actor, report),
  };
}

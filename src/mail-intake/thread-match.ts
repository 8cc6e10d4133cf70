import type { Db } from '../db/database.ts';

/**
 * The report a mail answers, from its In-Reply-To/References: Message-IDs of
 * mail we sent about a report (unguessable, see messageIdForJob) or mail we
 * received for it. The most recent id that matches wins.
 */
export async function findThread(db: Db, programId: string, threadIds: readonly string[]): Promise<{ reportId: string; reference: string } | undefined> {
  const ids = [...new Set(threadIds.filter((id) => id.length <= 500))];
  if (ids.length === 0) return undefined;
  const [sent, received] = await Promise.all([
    db
      .selectFrom('mail_deliveries as d')
      .innerJoin('reports as r', 'r.id', 'd.report_id')
      .select(['d.message_id', 'r.id', 'r.reference'])
      .where('d.message_id', 'in', ids)
      .where('r.program_id', '=', programId)
      .execute(),
    db
      .selectFrom('inbound_mails as m')
      .innerJoin('reports as r', 'r.id', 'm.report_id')
      .select(['m.message_id', 'r.id', 'r.reference'])
      .where('m.message_id', 'in', ids)
      .where('m.program_id', '=', programId)
      .where('m.outcome', 'in', ['new-report', 'reply'])
      .execute(),
  ]);
  const byId = new Map<string, { reportId: string; reference: string }>();
  for (const r of [...received, ...sent]) if (r.message_id) byId.set(r.message_id, { reportId: r.id, reference: r.reference });
  for (let i = threadIds.length - 1; i >= 0; i--) {
    const hit = byId.get(threadIds[i]!);
    if (hit) return hit;
  }
  return undefined;
}

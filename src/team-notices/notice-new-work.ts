import type { Db } from '../db/database.ts';
import type { ReportEvent } from '../db/schema.ts';
import type { TeamNoticeKind } from '../db/team-notice-tables.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { noticeRecipients } from './team-members.ts';

/** The notice an event is, if any: only new work from outside the team (or out of the quarantine) is. */
export function noticeKindOf(event: Pick<ReportEvent, 'type' | 'actor_kind'>): TeamNoticeKind | undefined {
  switch (event.type) {
    case 'submitted':
      return 'new-report';
    case 'reporter-replied':
      return 'reporter-reply';
    case 'disclosure-date-proposed':
    case 'disclosure-date-agreed':
      return event.actor_kind === 'reporter' ? 'disclosure-proposal' : undefined;
    case 'quarantine-released':
      return 'quarantine-released';
    default:
      return undefined;
  }
}

/**
 * The 'notify-team' job: logs the event as a team notice (what digests list)
 * and queues one 'team-mail' job for each member who wants this kind at once,
 * in one transaction (a retry notices nothing twice: event_id is unique). A
 * quarantined arrival is mailed to no one: it waits for the digest. Returns
 * how many mails were queued.
 */
export async function noticeNewWork(db: Db, eventId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const event = await trx
      .selectFrom('report_events as e')
      .innerJoin('reports as r', 'r.id', 'e.report_id')
      .select(['e.type', 'e.actor_kind', 'e.actor_id', 'r.id as reportId', 'r.program_id', 'r.quarantined', 'r.quarantine_reasons'])
      .where('e.id', '=', eventId)
      .executeTakeFirst();
    // Gone (the report was deleted) or not new work: nothing to tell.
    const kind = event && noticeKindOf(event);
    if (!event || !kind) return 0;
    // The reasons stay after a release: a report quarantined on arrival stays a quarantined arrival,
    // even when it was released before this ran (the release tells the team itself).
    const quarantined = kind === 'new-report' && (event.quarantined || event.quarantine_reasons.length > 0);
    const notice = await trx
      .insertInto('team_notices')
      .values({ event_id: eventId, program_id: event.program_id, report_id: event.reportId, kind, quarantined, actor_id: event.actor_id })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!notice || quarantined) return 0;
    let queued = 0;
    for (const person of await noticeRecipients(trx, event.program_id)) {
      // Nobody is told of their own action (a release).
      if (person.userId === event.actor_id || person.preferences.deliveries[kind] !== 'immediate') continue;
      await enqueueJob(trx, 'team-mail', { noticeId: notice.id, userId: person.userId });
      queued++;
    }
    return queued;
  });
}

import type { Transaction } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Database } from '../db/schema.ts';
import { OPEN_STATES } from '../domain/lifecycle.ts';
import { InvalidTransitionError, ValidationError } from '../errors.ts';
import { insertMessage, lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import type { PlainReport } from '../reports/report-contents.ts';
import { formatDisclosureMoment, readDisclosure, type DisclosureDate, type DisclosureDecision, type DisclosureSide } from './disclosure-rules.ts';
import { queueDisclosureMails, reportTeam } from './notify-team.ts';
import { queueTeamNotice } from '../team-notices/queue-team-notice.ts';

/** Who acts: a staff member (an editor of the program) or the reporter through their tracking link. */
export type DisclosureActor = { kind: 'staff'; id: string } | { kind: 'reporter' };

export const sideOf = (actor: DisclosureActor): DisclosureSide => (actor.kind === 'staff' ? 'team' : 'reporter');

/** Locks the report and returns it with its current date; a report no longer worked on takes no disclosure date. */
export async function lockForDisclosure(trx: Transaction<Database>, reportId: string): Promise<{ report: PlainReport; current: DisclosureDate | null }> {
  const report = await lockReportState(trx, reportId);
  if (!OPEN_STATES.includes(report.state)) {
    throw new InvalidTransitionError('This report is no longer open: its disclosure date cannot change.');
  }
  return { report, current: readDisclosure(report) };
}

/** Turns a refusal into the application's errors. */
export function throwRefusal(decision: Extract<DisclosureDecision, { kind: 'refused' }>): never {
  if (decision.status === 422) throw new ValidationError({ [decision.field ?? 'disclosureDate']: decision.message }, 'The disclosure date was not changed.');
  throw new InvalidTransitionError(decision.message);
}

/**
 * Stores a new or agreed date with its event in the caller's transaction. A
 * message (the team's note, the reporter's reason) goes to the thread, sealed
 * like every message, and the event names it. Events are reporter-visible:
 * the team's notify the reporter (recordEvent); the reporter's are mailed to
 * whoever works the report (assignee or leads, and watchers).
 */
export async function writeDisclosure(
  trx: Transaction<Database>,
  vault: ReportVault,
  args: { report: PlainReport; actor: DisclosureActor; previous: DisclosureDate | null; decision: Extract<DisclosureDecision, { kind: 'proposed' | 'agreed' }>; message?: string },
): Promise<void> {
  const { report, actor, previous, decision } = args;
  const next = decision.next;
  const side = sideOf(actor);
  await trx
    .updateTable('reports')
    .set({ disclosure_at: next.at, disclosure_time_zone: next.timeZone, disclosure_status: next.status, disclosure_proposed_by: next.proposedBy })
    .where('id', '=', report.id)
    .execute();
  const text = args.message?.trim();
  const message = text
    ? await insertMessage(trx, vault, {
        reportId: report.id,
        authorId: actor.kind === 'staff' ? actor.id : null,
        visibility: 'reporter',
        body: `${decision.kind === 'agreed' ? 'Agreed' : 'Proposed'} disclosure date: ${formatDisclosureMoment(next.at, next.timeZone)}.\n\n${text}`,
      })
    : undefined;
  const eventId = await recordEvent(trx, {
    reportId: report.id,
    actor,
    type: decision.kind === 'agreed' ? 'disclosure-date-agreed' : 'disclosure-date-proposed',
    data: {
      at: next.at.toISOString(),
      timeZone: next.timeZone,
      by: side,
      proposedBy: next.proposedBy,
      ...(previous ? { previous: { at: previous.at.toISOString(), timeZone: previous.timeZone, status: previous.status } } : {}),
      ...(decision.kind === 'proposed' && decision.later ? { later: true } : {}),
      ...(message ? { messageId: message.id } : {}),
    },
    reporterVisible: true,
  });
  if (actor.kind === 'reporter') {
    // The program's team hears of it as new work (each by their choice); whoever works the report, below.
    await queueTeamNotice(trx, eventId);
    await queueDisclosureMails(trx, {
      reportId: report.id,
      threshold: decision.kind === 'agreed' ? 'reporter-agreed' : 'reporter-proposed',
      at: next.at,
      recipients: await reportTeam(trx, report),
    });
  }
}

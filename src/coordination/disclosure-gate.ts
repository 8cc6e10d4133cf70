import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { InvalidTransitionError } from '../errors.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { ENGAGED_STATUSES, partyLabel } from './parties.ts';

/**
 * The agreed disclosure date has to suit every engaged party (status engaged
 * or fixed, not revoked): each must have accepted exactly this moment. Called
 * by the disclosure use cases before a date becomes agreed, in their
 * transaction; parties invited but silent, or not affected, do not hold it up.
 */
export async function assertEngagedPartiesAccept(trx: Transaction<Database>, reportId: string, at: Date): Promise<void> {
  const parties = await trx
    .selectFrom('coordination_parties')
    .select(['number', 'role', 'disclosure_answer', 'disclosure_answer_at'])
    .where('report_id', '=', reportId)
    .where('revoked_at', 'is', null)
    .where('status', 'in', ENGAGED_STATUSES)
    .orderBy('number')
    .execute();
  const waiting = parties.filter((p) => !(p.disclosure_answer === 'accepted' && p.disclosure_answer_at?.getTime() === at.getTime()));
  if (waiting.length === 0) return;
  throw new InvalidTransitionError(
    `This date cannot be agreed yet: every engaged party must accept it first, and ${waiting.map(partyLabel).join(', ')} ${waiting.length === 1 ? 'has' : 'have'} not. Their answers are on the Coordination panel.`,
  );
}

/**
 * A new date is on the table: every party still taking part (not revoked, not
 * "not affected") is told by mail to answer it on its page. Called by the
 * disclosure proposal use case in its transaction.
 */
export async function tellPartiesOfNewDate(trx: Transaction<Database>, reportId: string): Promise<void> {
  const parties = await trx.selectFrom('coordination_parties').select('id').where('report_id', '=', reportId).where('revoked_at', 'is', null).where('status', '!=', 'not-affected').execute();
  for (const p of parties) await enqueueJob(trx, 'party-mail', { partyId: p.id, what: 'disclosure-date' });
}

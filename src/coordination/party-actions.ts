import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/append-audit.ts';
import { isLocalDate } from '../calendar/zoned-time.ts';
import type { AppContext } from '../context.ts';
import type { PartyStatus } from '../db/coordination-tables.ts';
import type { Database, EventType } from '../db/schema.ts';
import { formatDisclosureMoment, parseDisclosureMoment, readDisclosure, type MomentInput } from '../disclosure/disclosure-rules.ts';
import { InvalidTransitionError, ValidationError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import type { EventData } from '../reports/event-text.ts';
import { sealCoordinationMessage } from './coordination-messages.ts';
import { PARTY_STATUSES, loadReportKey, type Party } from './parties.ts';
import { MAX_PARTY_MESSAGE } from './staff-coordination.ts';

/**
 * What an invited party does through its link. The actor is the party (found
 * by its token, not revoked): each use case re-checks that inside its own
 * transaction, so a revocation that commits first wins. Every action is an
 * event in the staff timeline (actor "system", the party named by number in
 * its data) and an entry in the audit log.
 */
type Ctx = Pick<AppContext, 'db' | 'vault'>;

/** Locks the party row and refuses a party revoked meanwhile. */
async function lockParty(trx: Transaction<Database>, party: Party) {
  const row = await trx.selectFrom('coordination_parties').select(['id', 'revoked_at', 'status']).where('id', '=', party.id).forUpdate().executeTakeFirstOrThrow();
  if (row.revoked_at) throw new InvalidTransitionError('Your access to this report was revoked.');
  return row;
}

async function partyEvent(trx: Transaction<Database>, party: Party, type: EventType, data: EventData = {}): Promise<void> {
  await recordEvent(trx, { reportId: party.reportId, actor: { kind: 'system' }, type, data: { partyId: party.id, number: party.number, role: party.role, ...data }, reporterVisible: false });
  // A party is nobody signed in: the audit log names it by id (its name is sealed with the report).
  await appendAudit(trx, { actor: { kind: 'anonymous' }, action: `report.${type}`, reportId: party.reportId, target: party.id, details: { via: 'party-link', ...pickDetails(data) } });
}

function pickDetails(data: EventData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['status', 'answer', 'kind'] as const) if (typeof data[k] === 'string') out[k] = data[k] as string;
  return out;
}

/** The party opened its page: the first opening is an event; every one is in the audit log (what it saw). */
export async function recordPartyView(ctx: Ctx, party: Party): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const first = await trx.updateTable('coordination_parties').set({ first_opened_at: new Date() }).where('id', '=', party.id).where('first_opened_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(first.numUpdatedRows) > 0) {
      await recordEvent(trx, { reportId: party.reportId, actor: { kind: 'system' }, type: 'party-opened', data: { partyId: party.id, number: party.number, role: party.role }, reporterVisible: false });
    }
    await appendAudit(trx, { actor: { kind: 'anonymous' }, action: 'report.party-viewed', reportId: party.reportId, target: party.id, details: { via: 'party-link' } });
  });
}

/** The party writes to the security team (staff read it on the Coordination panel; it reaches nobody else unless staff share it). */
export async function postAsParty(ctx: Ctx, party: Party, text: string): Promise<void> {
  const body = text.replace(/\r\n?/g, '\n').trim();
  if (!body) throw new ValidationError({ body: 'Write a message.' }, 'Your message was not sent.');
  if (body.length > MAX_PARTY_MESSAGE) throw new ValidationError({ body: `Keep the message under ${MAX_PARTY_MESSAGE} characters.` }, 'Your message was not sent.');
  await ctx.db.transaction().execute(async (trx) => {
    await lockReportState(trx, party.reportId);
    await lockParty(trx, party);
    const id = randomUUID();
    const key = await loadReportKey(trx, ctx.vault, party.reportId);
    await trx.insertInto('coordination_messages').values({ id, report_id: party.reportId, party_id: party.id, author_id: null, body_sealed: sealCoordinationMessage(ctx.vault, key, id, body) }).execute();
    await partyEvent(trx, party, 'party-posted', { messageId: id });
  });
}

/** The party says where it stands and when it expects its fix (YYYY-MM-DD, or empty for none). */
export async function setPartyStatus(ctx: Ctx, party: Party, input: { status: string; fixDate: string }): Promise<void> {
  const status = input.status as PartyStatus;
  const errors: Record<string, string> = {};
  if (!PARTY_STATUSES.includes(status)) errors.status = 'Choose your status.';
  const fixDate = input.fixDate.trim();
  if (fixDate && !isLocalDate(fixDate)) errors.fixDate = 'Give the date as YYYY-MM-DD, e.g. 2027-03-11.';
  if (Object.keys(errors).length) throw new ValidationError(errors, 'Your status was not saved.');
  await ctx.db.transaction().execute(async (trx) => {
    await lockReportState(trx, party.reportId);
    await lockParty(trx, party);
    await trx.updateTable('coordination_parties').set({ status, fix_date: fixDate || null }).where('id', '=', party.id).execute();
    await partyEvent(trx, party, 'party-status-set', { status, fixDate: fixDate || null });
  });
}

/**
 * The party answers the disclosure date on the table: accepts it (`seen`: the
 * moment it was shown, so a date changed meanwhile is never accepted blindly)
 * or proposes another moment, with a message to the team.
 */
export async function answerDisclosure(
  ctx: Ctx,
  party: Party,
  answer: { kind: 'accept'; seen: Date } | { kind: 'propose'; moment: MomentInput; message: string },
  now: Date = new Date(),
): Promise<void> {
  const proposed = answer.kind === 'propose' ? parseDisclosureMoment(answer.moment, now) : undefined;
  if (proposed && !proposed.ok) throw new ValidationError(proposed.errors, 'Your answer was not saved.');
  const message = answer.kind === 'propose' ? answer.message.replace(/\r\n?/g, '\n').trim() : '';
  if (answer.kind === 'propose' && !message) throw new ValidationError({ disclosureMessage: 'Say why you propose another date; the security team reads it.' }, 'Your answer was not saved.');
  if (message.length > 2000) throw new ValidationError({ disclosureMessage: 'Keep the message under 2000 characters.' }, 'Your answer was not saved.');
  await ctx.db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, party.reportId);
    await lockParty(trx, party);
    const current = readDisclosure(report);
    let at: Date;
    let timeZone: string;
    if (answer.kind === 'accept') {
      if (!current) throw new InvalidTransitionError('No disclosure date has been proposed yet.');
      if (current.at.getTime() !== answer.seen.getTime()) throw new InvalidTransitionError('The disclosure date changed since the page was shown. Read the new date and answer again.');
      at = current.at;
      timeZone = current.timeZone;
    } else {
      at = proposed!.ok ? proposed!.at : now;
      timeZone = proposed!.ok ? proposed!.timeZone : 'UTC';
      const id = randomUUID();
      const key = await loadReportKey(trx, ctx.vault, party.reportId);
      await trx.insertInto('coordination_messages').values({ id, report_id: party.reportId, party_id: party.id, author_id: null, body_sealed: sealCoordinationMessage(ctx.vault, key, id, `Proposed disclosure date: ${formatDisclosureMoment(at, timeZone)}.\n\n${message}`) }).execute();
    }
    await trx
      .updateTable('coordination_parties')
      .set({ disclosure_answer: answer.kind === 'accept' ? 'accepted' : 'proposed', disclosure_answer_at: at, disclosure_answer_time_zone: timeZone })
      .where('id', '=', party.id)
      .execute();
    await partyEvent(trx, party, 'party-disclosure-answered', { answer: answer.kind === 'accept' ? 'accepted' : 'proposed', at: at.toISOString(), timeZone });
  });
}

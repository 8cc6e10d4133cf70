import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { StaffActor } from '../auth/policies.ts';
import type { AppContext } from '../context.ts';
import type { PartyRole } from '../db/coordination-tables.ts';
import type { Database } from '../db/schema.ts';
import { OPEN_STATES } from '../domain/lifecycle.ts';
import { newToken } from '../domain/tokens.ts';
import { AppError, InvalidTransitionError, NotFoundError, ValidationError } from '../errors.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { seal } from '../mail/seal.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { canCoordinate } from './coordination-policy.ts';
import { sealCoordinationMessage } from './coordination-messages.ts';
import { PARTY_ROLES, loadReportKey, partyTokenHash, sealContact } from './parties.ts';

/** Sealing purpose of an invitation's link token in its mail job (scrubbed once sent). */
export const PARTY_TOKEN_PURPOSE = 'party-invitation-token';
export const MAX_PARTY_MESSAGE = 20_000;

type Ctx = Pick<AppContext, 'db' | 'vault' | 'secret'>;
type ReportRef = { id: string; program_id: string };

function deny(message: string): never {
  throw new AppError('forbidden', 403, message);
}

const inviteSchema = z.object({
  partyName: z.string().trim().min(1, 'Name the organisation or person invited.').max(200, 'Keep the name under 200 characters.'),
  partyEmail: z.string().trim().max(320).pipe(z.email('Give an e-mail address, e.g. security@upstream.example.')),
  partyRole: z.enum(PARTY_ROLES as [PartyRole, ...PartyRole[]], 'Choose what the party is to this report.'),
});

/**
 * A lead invites an outside party into one report by e-mail. The party gets a
 * link of its own (a 256-bit token; only its keyed hash is stored), mailed
 * through the durable outbox. Leads and admins only.
 */
export async function inviteParty(ctx: Ctx, args: { actor: StaffActor; report: ReportRef; input: Record<string, unknown> }): Promise<{ partyId: string }> {
  if (!canCoordinate.invite(args.actor, args.report)) deny('Only a lead or an admin of this program may invite outside parties.');
  const form = inviteSchema.safeParse(args.input);
  if (!form.success) {
    const fields: Record<string, string> = {};
    for (const issue of form.error.issues) fields[String(issue.path[0])] ??= issue.message;
    throw new ValidationError(fields, 'The party was not invited.');
  }
  const token = newToken();
  const partyId = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.report.id);
    if (!OPEN_STATES.includes(report.state)) throw new InvalidTransitionError('This report is no longer open: no party can be invited.');
    const last = await trx.selectFrom('coordination_parties').select((eb) => eb.fn.max('number').as('n')).where('report_id', '=', report.id).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const key = await loadReportKey(trx, ctx.vault, report.id);
    await trx
      .insertInto('coordination_parties')
      .values({
        id: partyId,
        report_id: report.id,
        number,
        role: form.data.partyRole,
        contact_sealed: sealContact(ctx.vault, key, partyId, { name: form.data.partyName, email: form.data.partyEmail }),
        token_hash: partyTokenHash(ctx.secret, token),
        fix_date: null,
        disclosure_answer: null,
        disclosure_answer_at: null,
        disclosure_answer_time_zone: null,
        invited_by: args.actor.userId,
        first_opened_at: null,
        revoked_at: null,
      })
      .execute();
    await recordEvent(trx, { reportId: report.id, actor: { kind: 'staff', id: args.actor.userId }, type: 'party-invited', data: { partyId, number, role: form.data.partyRole }, reporterVisible: false });
    const sealedToken = seal(ctx.secret, PARTY_TOKEN_PURPOSE, partyId, Buffer.from(token)).toString('base64');
    await enqueueJob(trx, 'party-mail', { partyId, what: 'invitation', sealedToken });
  });
  return { partyId };
}

/** A lead ends a party's access at once: its link answers 410 from the next request on. */
export async function revokeParty(ctx: Ctx, args: { actor: StaffActor; report: ReportRef; partyId: string }): Promise<void> {
  if (!canCoordinate.revoke(args.actor, args.report)) deny('Only a lead or an admin of this program may revoke a party.');
  await ctx.db.transaction().execute(async (trx) => {
    await lockReportState(trx, args.report.id);
    const row = await trx.selectFrom('coordination_parties').select(['id', 'number', 'role', 'revoked_at']).where('id', '=', args.partyId).where('report_id', '=', args.report.id).forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError('This party');
    if (row.revoked_at) return;
    await trx.updateTable('coordination_parties').set({ revoked_at: new Date() }).where('id', '=', row.id).execute();
    await recordEvent(trx, { reportId: args.report.id, actor: { kind: 'staff', id: args.actor.userId }, type: 'party-revoked', data: { partyId: row.id, number: row.number, role: row.role }, reporterVisible: false });
  });
}

/** Active (not revoked) parties of the report among `partyIds`; refuses an empty choice or an unknown id. */
async function chosenParties(trx: Transaction<Database>, reportId: string, partyIds: string[]) {
  const ids = [...new Set(partyIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (ids.length === 0) throw new ValidationError({ parties: 'Choose at least one party to share with.' }, 'Nothing was shared.');
  const rows = await trx
    .selectFrom('coordination_parties')
    .select(['id', 'number', 'role'])
    .where('report_id', '=', reportId)
    .where('id', 'in', ids)
    .where('revoked_at', 'is', null)
    .execute();
  if (rows.length !== ids.length) throw new ValidationError({ parties: 'A party chosen was revoked or is not one of this report’s.' }, 'Nothing was shared.');
  return rows;
}

/**
 * Staff share something with chosen parties: a new message written for them
 * (`body`), or a message already in the report's thread (`threadMessageId`:
 * the reporter's words reach a party only this way). Each share is an event
 * in the timeline, and each party is told by mail that its page has news.
 */
export async function shareWithParties(
  ctx: Ctx,
  args: { actor: StaffActor; report: ReportRef; partyIds: string[]; body?: string; threadMessageId?: string },
): Promise<void> {
  if (!canCoordinate.share(args.actor, args.report)) deny('Your role can read this report but not share it.');
  const body = args.body?.replace(/\r\n?/g, '\n').trim();
  if (args.body !== undefined && !body) throw new ValidationError({ partyMessage: 'Write the message to share.' }, 'Nothing was shared.');
  if (body && body.length > MAX_PARTY_MESSAGE) throw new ValidationError({ partyMessage: `Keep the message under ${MAX_PARTY_MESSAGE} characters.` }, 'Nothing was shared.');
  await ctx.db.transaction().execute(async (trx) => {
    await lockReportState(trx, args.report.id);
    const parties = await chosenParties(trx, args.report.id, args.partyIds);
    let target: { thread_message_id: string | null; coordination_message_id: string | null };
    if (body) {
      const id = randomUUID();
      const key = await loadReportKey(trx, ctx.vault, args.report.id);
      await trx.insertInto('coordination_messages').values({ id, report_id: args.report.id, party_id: null, author_id: args.actor.userId, body_sealed: sealCoordinationMessage(ctx.vault, key, id, body) }).execute();
      target = { thread_message_id: null, coordination_message_id: id };
    } else {
      const id = args.threadMessageId ?? '';
      const message = /^[0-9a-f-]{36}$/i.test(id) ? await trx.selectFrom('report_messages').select('id').where('id', '=', id).where('report_id', '=', args.report.id).executeTakeFirst() : undefined;
      if (!message) throw new ValidationError({ threadMessage: 'Choose a message of this report’s thread.' }, 'Nothing was shared.');
      target = { thread_message_id: message.id, coordination_message_id: null };
    }
    for (const party of parties) {
      const inserted = await trx
        .insertInto('coordination_shares')
        .values({ id: randomUUID(), party_id: party.id, ...target, shared_by: args.actor.userId })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) continue; // shared with this party already
      await recordEvent(trx, {
        reportId: args.report.id,
        actor: { kind: 'staff', id: args.actor.userId },
        type: 'party-message-shared',
        data: { partyId: party.id, number: party.number, role: party.role, kind: target.thread_message_id ? 'thread' : 'written' },
        reporterVisible: false,
      });
      await enqueueJob(trx, 'party-mail', { partyId: party.id, what: 'shared' });
    }
  });
}

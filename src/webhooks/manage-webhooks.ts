import { appendAudit } from '../audit/append-audit.ts';
import type { StaffActor } from '../auth/policies.ts';
import type { Db } from '../db/database.ts';
import type { WebhookDeliveryState } from '../db/webhook-tables.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { seal, unseal } from '../mail/seal.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { targetProblem } from './outbound-target.ts';
import { isWebhookEvent, type WebhookEvent } from './webhook-events.ts';
import { canManageIntegrations } from './webhook-policy.ts';
import { generateWebhookSecret } from './webhook-signature.ts';

const SECRET_PURPOSE = 'webhook-secret';

/** What the admin typed on the form, as strings (re-rendered as is when refused). */
export interface WebhookInput {
  programId: string;
  url: string;
  events: string[];
  includeContents: boolean;
}

/**
 * Adds a webhook to a program: the program's admins only; https and a public
 * address unless the operator allows private targets. Returns the signing
 * secret, which is shown this once and stored sealed.
 */
export async function createWebhook(
  db: Db,
  secret: InstanceSecret,
  args: { actor: StaffActor; input: WebhookInput; allowPrivate: boolean },
): Promise<{ id: string; secret: string }> {
  const { actor, input } = args;
  if (!canManageIntegrations(actor, input.programId)) throw new ForbiddenError('Only the program’s administrators configure its webhooks.');
  const problems: Record<string, string> = {};
  const url = input.url.trim();
  const urlProblem = url.length > 2000 ? 'At most 2,000 characters.' : await targetProblem(url, args.allowPrivate);
  if (urlProblem) problems.url = urlProblem;
  const events = [...new Set(input.events)];
  if (events.length === 0) problems.events = 'Choose at least one event.';
  else if (!events.every(isWebhookEvent)) problems.events = 'Unknown event.';
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  const signingSecret = generateWebhookSecret();
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('webhooks')
      .values({ program_id: input.programId, url, events: events as WebhookEvent[], include_contents: input.includeContents, secret_sealed: Buffer.alloc(0), created_by: actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Sealed bound to the id, which the insert assigned.
    await trx.updateTable('webhooks').set({ secret_sealed: seal(secret, SECRET_PURPOSE, row.id, Buffer.from(signingSecret)) }).where('id', '=', row.id).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: actor.userId }, action: 'webhook.created', target: row.id, details: { programId: input.programId, events: events as string[], includeContents: input.includeContents } });
    return row.id;
  });
  return { id, secret: signingSecret };
}

/** Removes a webhook, its deliveries and their attempts (queued deliveries then find nothing to send). */
export async function deleteWebhook(db: Db, args: { actor: StaffActor; webhookId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhooks').select(['id', 'program_id']).where('id', '=', args.webhookId).forUpdate().executeTakeFirst();
    if (!row || !canManageIntegrations(args.actor, row.program_id)) throw new NotFoundError('This webhook');
    await trx.deleteFrom('webhooks').where('id', '=', row.id).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: args.actor.userId }, action: 'webhook.deleted', target: row.id, details: { programId: row.program_id } });
  });
}

/** The signing secret of a webhook, opened for a delivery. */
export function openWebhookSecret(secret: InstanceSecret, row: { id: string; secret_sealed: Buffer }): string {
  return unseal(secret, SECRET_PURPOSE, row.id, row.secret_sealed).toString('utf8');
}

export interface WebhookAttemptView {
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  event: WebhookEvent;
  state: WebhookDeliveryState;
  occurredAt: Date;
  reference: string | null;
  attempts: WebhookAttemptView[];
}

export interface WebhookView {
  id: string;
  programId: string;
  url: string;
  events: WebhookEvent[];
  includeContents: boolean;
  createdAt: Date;
  deliveries: WebhookDeliveryView[];
}

/** The webhooks of the given programs with their latest deliveries (and every attempt of each), for the admins' page. */
export async function listWebhooks(db: Db, programIds: readonly string[], deliveriesEach = 20): Promise<WebhookView[]> {
  if (programIds.length === 0) return [];
  const hooks = await db.selectFrom('webhooks').select(['id', 'program_id', 'url', 'events', 'include_contents', 'created_at']).where('program_id', 'in', programIds).orderBy('created_at').execute();
  const views: WebhookView[] = [];
  for (const h of hooks) {
    const deliveries = await db
      .selectFrom('webhook_deliveries as d')
      .leftJoin('reports as r', 'r.id', 'd.report_id')
      .select(['d.id', 'd.event', 'd.state', 'd.occurred_at', 'r.reference'])
      .where('d.webhook_id', '=', h.id)
      .orderBy('d.occurred_at', 'desc')
      .limit(deliveriesEach)
      .execute();
    const attempts = deliveries.length
      ? await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveries.map((d) => d.id)).orderBy('attempted_at').execute()
      : [];
    views.push({
      id: h.id,
      programId: h.program_id,
      url: h.url,
      events: h.events,
      includeContents: h.include_contents,
      createdAt: h.created_at,
      deliveries: deliveries.map((d) => ({
        id: d.id,
        event: d.event,
        state: d.state,
        occurredAt: d.occurred_at,
        reference: d.reference ?? null,
        attempts: attempts.filter((a) => a.delivery_id === d.id).map((a) => ({ at: a.attempted_at, statusCode: a.status_code, durationMs: a.duration_ms, error: a.error })),
      })),
    });
  }
  return views;
}

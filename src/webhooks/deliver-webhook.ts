import type { AppContext } from '../context.ts';
import { JOB_KINDS } from '../jobs/job-kinds.ts';
import type { JobHandlers } from '../jobs/worker.ts';
import { loadProgram } from '../programs/programs.ts';
import { openMessageBody, openTitle, reportKey } from '../reports/report-contents.ts';
import { openWebhookSecret } from './manage-webhooks.ts';
import { outboundRequest } from './outbound-request.ts';
import type { WebhookEvent } from './webhook-events.ts';
import { signWebhook } from './webhook-signature.ts';
import { programBaseUrl } from '../programs/program-hosts.ts';

/** The job handler: one signed POST per attempt; the worker retries with backoff while it throws. */
export function webhookJobHandlers(ctx: AppContext): Pick<JobHandlers, 'webhook-delivery'> {
  return {
    async 'webhook-delivery'(payload, job) {
      await deliverWebhook(ctx, payload.deliveryId, job.attempt);
    },
  };
}

/**
 * Sends one delivery, built from fresh data, and records the attempt (time,
 * status, duration, error). A 2xx answer delivers it; anything else throws
 * so the job is tried again later. The URL is never logged or recorded in the
 * error (it may carry a token).
 */
export async function deliverWebhook(ctx: AppContext, deliveryId: string, attempt: number): Promise<void> {
  const row = await ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.event', 'd.report_id', 'd.event_id', 'd.advisory_id', 'd.dedupe_key', 'd.state', 'd.occurred_at', 'w.id as webhook_id', 'w.program_id', 'w.url', 'w.include_contents', 'w.secret_sealed'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row || row.state === 'delivered') return; // the webhook was deleted, or an earlier run got through
  const body = JSON.stringify(await webhookPayload(ctx, row));
  const msgId = `msg_${row.id}`;
  const started = new Date();
  const headers = { 'content-type': 'application/json', 'user-agent': 'Embargo-Webhooks/1', ...signWebhook(openWebhookSecret(ctx.secret, { id: row.webhook_id, secret_sealed: row.secret_sealed }), msgId, started, body) };
  let status: number | null = null;
  let error: string | null = null;
  try {
    status = (await outboundRequest(row.url, { method: 'POST', headers, body, allowPrivate: ctx.config.integrationsAllowPrivate })).status;
    if (status < 200 || status > 299) error = `HTTP ${status}`;
  } catch (err) {
    error = ((err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ` : '') + ((err as Error).message ?? String(err)).replaceAll(row.url, '<url>');
  }
  const durationMs = Date.now() - started.getTime();
  const givenUp = error !== null && attempt >= JOB_KINDS['webhook-delivery'].retry.maxAttempts;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('webhook_attempts').values({ delivery_id: row.id, attempted_at: started, status_code: status, duration_ms: durationMs, error: error?.slice(0, 500) ?? null }).execute();
    if (error === null || givenUp) await trx.updateTable('webhook_deliveries').set({ state: error === null ? 'delivered' : 'failed' }).where('id', '=', row.id).execute();
  });
  if (error !== null) throw new Error(`webhook delivery ${row.id}: ${error}`);
}

type DeliveryRow = {
  id: string;
  event: WebhookEvent;
  report_id: string | null;
  event_id: string | null;
  advisory_id: string | null;
  dedupe_key: string | null;
  occurred_at: Date;
  program_id: string;
  include_contents: boolean;
};

/**
 * The Standard Webhooks payload: `type`, `timestamp` (when it happened) and
 * `data` with the program, the report's reference, state and link, and the
 * event's own facts. Report contents (the title, the reporter's message) only
 * when the webhook was set to include them.
 */
export async function webhookPayload(ctx: AppContext, row: DeliveryRow): Promise<{ type: WebhookEvent; timestamp: string; data: Record<string, unknown> }> {
  const program = await loadProgram(ctx.db, { id: row.program_id });
  const data: Record<string, unknown> = { program: { slug: program?.slug ?? null, name: program?.config.name ?? null } };
  if (row.report_id) {
    const report = await ctx.db.selectFrom('reports').select(['id', 'reference', 'state', 'data_key', 'title_sealed', 'created_at', 'restricted_to']).where('id', '=', row.report_id).executeTakeFirst();
    if (report) {
      const summary: Record<string, unknown> = {
        reference: report.reference,
        state: report.state,
        receivedAt: report.created_at.toISOString(),
        links: { staff: `${ctx.config.baseUrl}/staff/reports/${encodeURIComponent(report.reference)}` },
      };
      // A restricted report's contents never leave by webhook (a webhook is nobody named on it): only that it exists, and that it is restricted.
      const contents = row.include_contents && report.restricted_to === null;
      if (report.restricted_to !== null) summary.restricted = true;
      if (contents) summary.title = openTitle(ctx.vault, report);
      data.report = summary;
      if (row.event_id) {
        const event = await ctx.db.selectFrom('report_events').select(['data', 'created_at']).where('id', '=', row.event_id).executeTakeFirst();
        const facts = (event?.data ?? {}) as Record<string, unknown>;
        if (row.event === 'report.state-changed') data.change = { from: facts.from ?? null, to: facts.to ?? null };
        if (row.event === 'report.reporter-message' && contents && typeof facts.messageId === 'string') {
          const message = await ctx.db.selectFrom('report_messages').select(['id', 'body_sealed']).where('id', '=', facts.messageId).executeTakeFirst();
          if (message) data.message = { body: openMessageBody(ctx.vault, reportKey(ctx.vault, report), message.id, message.body_sealed) };
        }
      }
    }
  }
  if (row.event === 'report.sla-breach' && row.dedupe_key) {
    const [, , clock, dueAt] = row.dedupe_key.split('|');
    data.sla = { clock, dueAt };
  }
  if (row.advisory_id) {
    const advisory = await ctx.db.selectFrom('advisories').select(['public_id']).where('id', '=', row.advisory_id).executeTakeFirst();
    if (advisory?.public_id) data.advisory = { id: advisory.public_id, links: { public: `${program ? programBaseUrl(ctx.config.baseUrl, program) : ctx.config.baseUrl}/advisories/${encodeURIComponent(advisory.public_id)}` } };
  }
  return { type: row.event, timestamp: row.occurred_at.toISOString(), data };
}

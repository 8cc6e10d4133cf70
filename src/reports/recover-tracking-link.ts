import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { hashToken, newToken } from '../domain/tokens.ts';
import { RateLimitedError } from '../errors.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { seal, unseal } from '../mail/seal.ts';
import { queueTrackingLinkMail } from '../mail/tracking-link-mail.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { hitRateLimit, idRateLimitKey } from '../web/rate-limit.ts';
import { openReporter } from './report-contents.ts';

/** Sealing purpose of a request's reference and address in its job. */
const REQUEST_PURPOSE = 'tracking-link-recovery';

/** New links per report per hour: enough for a reporter, and a stranger who knows both cannot keep killing the link. */
export const RECOVERIES_PER_REPORT_PER_HOUR = 3;

interface RecoveryRequest {
  reference: string;
  email: string;
}

/**
 * Takes a reporter's request for a lost tracking link. It is only queued
 * here, matched later by the worker (answerTrackingLinkRequest), so the page
 * answers the same, in the same time, whether or not the reference and the
 * address belong together. Both travel sealed: the job table holds no address.
 */
export async function requestTrackingLink(db: Db, secret: InstanceSecret, args: { programId: string } & RecoveryRequest): Promise<void> {
  const requestId = randomUUID();
  const request: RecoveryRequest = { reference: args.reference.slice(0, 100), email: args.email.slice(0, 320) };
  const sealedRequest = seal(secret, REQUEST_PURPOSE, requestId, Buffer.from(JSON.stringify(request))).toString('base64');
  await enqueueJob(db, 'recover-tracking-link', { requestId, programId: args.programId, sealedRequest });
}

/** Addresses compare without case and surrounding space, as the block list and the rate limits do. */
const normalAddress = (address: string) => address.trim().toLowerCase();

/**
 * The worker's half: when the reference and the reporter's (sealed) address
 * match, a new tracking token replaces the old one's hash (only a hash is
 * stored, so the old link cannot be sent again) and the new link is mailed,
 * encrypted to the reporter's key when they gave one. Either way the request
 * is scrubbed from the job.
 */
export async function answerTrackingLinkRequest(
  ctx: Pick<AppContext, 'db' | 'vault' | 'secret' | 'logger'>,
  payload: { requestId: string; programId: string; sealedRequest?: string },
  job: { id: string },
): Promise<void> {
  if (!payload.sealedRequest) return; // answered already (a stale claim re-run after a crash)
  const { db } = ctx;
  const request = JSON.parse(unseal(ctx.secret, REQUEST_PURPOSE, payload.requestId, Buffer.from(payload.sealedRequest, 'base64')).toString()) as RecoveryRequest;
  const reference = request.reference.trim();
  const scrubbed = { requestId: payload.requestId, programId: payload.programId };
  const row = await db
    .selectFrom('reports')
    .select(['id', 'reference', 'data_key', 'reporter_sealed'])
    .where('program_id', '=', payload.programId)
    // References are issued in upper case; a reporter may type them in lower.
    .where('reference', 'in', [reference, reference.toUpperCase()])
    .executeTakeFirst();
  const email = row ? openReporter(ctx.vault, row).email : null;
  const matches = Boolean(row && email && normalAddress(email) === normalAddress(request.email));
  if (!row || !matches) {
    await db.updateTable('jobs').set({ payload: JSON.stringify(scrubbed) }).where('id', '=', job.id).execute();
    ctx.logger.info({ jobId: job.id }, 'tracking link request did not match a report; nothing sent');
    return;
  }
  try {
    await hitRateLimit(db, idRateLimitKey('recover:report', row.id), RECOVERIES_PER_REPORT_PER_HOUR, 3600);
  } catch (err) {
    if (!(err instanceof RateLimitedError)) throw err;
    await db.updateTable('jobs').set({ payload: JSON.stringify(scrubbed) }).where('id', '=', job.id).execute();
    ctx.logger.warn({ jobId: job.id, reference: row.reference }, 'too many tracking link requests for this report; the current link stays');
    return;
  }
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('reports').set({ tracking_token_hash: hashToken(token) }).where('id', '=', row.id).execute();
    await queueTrackingLinkMail(trx, ctx.secret, { reportId: row.id, token, recovery: true });
    await trx.updateTable('jobs').set({ payload: JSON.stringify(scrubbed) }).where('id', '=', job.id).execute();
  });
  ctx.logger.info({ jobId: job.id, reference: row.reference }, 'new tracking link issued and queued for the reporter');
}

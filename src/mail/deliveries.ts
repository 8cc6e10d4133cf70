import type { Db } from '../db/database.ts';
import type { MailDeliveryResult, MailTemplateName } from '../db/schema.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { senderHasher } from '../triage/sender-hash.ts';
import { seal, unseal } from './seal.ts';

/** Sealing purpose of delivery recipients; each is bound to its job and attempt. */
export const DELIVERY_TO_PURPOSE = 'mail-delivery-to';
const bound = (jobId: string | null, attempt: number) => `${jobId ?? '-'}:${attempt}`;

/** The recipient columns of a delivery row: the address sealed, and its keyed hash for the acknowledgement cap. */
export function sealedRecipient(secret: InstanceSecret, jobId: string | null, attempt: number, to: string) {
  return {
    to_address_sealed: seal(secret, DELIVERY_TO_PURPOSE, bound(jobId, attempt), Buffer.from(to, 'utf8')),
    to_address_hash: senderHasher(secret).email(to),
  };
}

export interface DeliveryAttempt {
  jobId: string;
  reportId: string | null;
  template: MailTemplateName;
  to: string;
  messageId: string;
  attempt: number;
  result: MailDeliveryResult;
  encrypted: boolean;
  smtpResponse: string | null;
}

/**
 * One row per attempt, whatever its outcome: the audit trail of what we told
 * whom, and when. The address is personal data, so it is stored sealed.
 */
export async function recordDelivery(db: Db, secret: InstanceSecret, a: DeliveryAttempt): Promise<void> {
  await db
    .insertInto('mail_deliveries')
    .values({
      job_id: a.jobId,
      report_id: a.reportId,
      template: a.template,
      ...sealedRecipient(secret, a.jobId, a.attempt, a.to),
      message_id: a.messageId,
      attempt: a.attempt,
      result: a.result,
      encrypted: a.encrypted,
      smtp_response: a.smtpResponse?.slice(0, 1000) ?? null,
    })
    .execute();
}

/** Delivery attempts of one report, oldest first, recipients opened (for staff views and tests). */
export async function deliveryHistory(db: Db, secret: InstanceSecret, reportId: string) {
  const rows = await db
    .selectFrom('mail_deliveries')
    .select(['job_id', 'template', 'to_address', 'to_address_sealed', 'message_id', 'attempt', 'result', 'encrypted', 'smtp_response', 'created_at'])
    .where('report_id', '=', reportId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(({ to_address_sealed, ...r }) => ({
    ...r,
    to_address: to_address_sealed ? unseal(secret, DELIVERY_TO_PURPOSE, bound(r.job_id, r.attempt), to_address_sealed).toString('utf8') : r.to_address,
  }));
}

const MAX_REFERENCES = 10;

/**
 * In-Reply-To and References for a new mail about a report, so the
 * reporter's client threads it: it answers the reporter's latest mail, and
 * references the first one plus the most recent messages either way.
 */
export async function threadHeaders(db: Db, reportId: string): Promise<{ inReplyTo?: string; references: string[] }> {
  const [received, sent] = await Promise.all([
    db
      .selectFrom('inbound_mails')
      .select(['message_id', 'received_at as at'])
      .where('report_id', '=', reportId)
      .where('message_id', 'is not', null)
      .where('outcome', 'in', ['new-report', 'reply'])
      .orderBy('received_at')
      .execute(),
    db
      .selectFrom('mail_deliveries')
      .select(['message_id', 'created_at as at'])
      .where('report_id', '=', reportId)
      .where('result', '=', 'sent')
      .orderBy('created_at')
      .execute(),
  ]);
  const all = [...received, ...sent].sort((a, b) => a.at.getTime() - b.at.getTime()).map((r) => r.message_id!);
  const unique = [...new Set(all)];
  const references = unique.length <= MAX_REFERENCES ? unique : [unique[0]!, ...unique.slice(-(MAX_REFERENCES - 1))];
  const lastReceived = received.at(-1)?.message_id ?? undefined;
  return { ...(lastReceived ? { inReplyTo: lastReceived } : {}), references };
}

/** A reporter mail the relay refused for good (5xx): not retried, so someone must learn of it. */
export interface RefusedDelivery {
  jobId: string | null;
  template: MailTemplateName;
  /** The relay's answer, the address blanked (src/mail/blank-address.ts). */
  response: string | null;
  at: Date;
  report: { id: string; reference: string; programId: string };
}

/**
 * Refused reporter mail, newest first: of one report (its page), or of the
 * programs an admin may see (the deliveries page). Never the address.
 */
export async function listRefusedDeliveries(db: Db, where: { reportId: string } | { programIds: readonly string[] }, limit = 100): Promise<RefusedDelivery[]> {
  if ('programIds' in where && where.programIds.length === 0) return [];
  const rows = await db
    .selectFrom('mail_deliveries as d')
    .innerJoin('reports as r', 'r.id', 'd.report_id')
    .select(['d.job_id', 'd.template', 'd.smtp_response', 'd.created_at', 'r.id as report_id', 'r.reference', 'r.program_id'])
    .where('d.result', '=', 'rejected')
    .where((eb) => ('reportId' in where ? eb('d.report_id', '=', where.reportId) : eb('r.program_id', 'in', where.programIds)))
    .orderBy('d.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    jobId: r.job_id === null ? null : String(r.job_id),
    template: r.template,
    response: r.smtp_response,
    at: r.created_at,
    report: { id: r.report_id, reference: r.reference, programId: r.program_id },
  }));
}

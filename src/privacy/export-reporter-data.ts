import { POLICY_NOT_SHOWN, readPolicyAcceptance, type PolicyAcceptance } from '../domain/policy-acceptance.ts';
import type * as openpgp from 'openpgp';
import { openpgpLib } from '../keys/openpgp-lib.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Report } from '../db/schema.ts';
import { STATE_LABELS } from '../domain/lifecycle.ts';
import { deliveryHistory } from '../mail/deliveries.ts';
import { storedReporterKey } from '../mail/reporter-keys.ts';
import { openEnvelopeFrom } from '../mail-intake/store-inbound.ts';
import { listAttachments, loadTimeline } from '../reports/read-report.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * Everything Embargo holds about a reporter in one report, as they may ask
 * for it (GDPR art. 15 and 20): what they submitted, who they said they are,
 * the thread they can see, the mail exchanged with them. Internal notes and
 * staff names are the team's, not the reporter's, and are left out.
 */
export interface ReporterDataExport {
  format: 'embargo-reporter-data/1';
  exportedAt: string;
  report: {
    reference: string;
    channel: string;
    state: string;
    submittedAt: string;
    product: string;
    productVersion: string;
    vulnerabilityType: string;
    title: string;
    description: string;
    stepsToReproduce: string;
    impact: string;
    cvssVector: string | null;
    aiAssistance: string | null;
    policyVersion: number;
    /** Null when the report came by e-mail: the policy was never shown (policyAcceptance says so in words). */
    policyAcceptedAt: string | null;
    policyAcceptance: 'accepted' | typeof POLICY_NOT_SHOWN;
  };
  identity: { name: string | null; handle: string | null; email: string | null; erasedAt: string | null };
  credit: string;
  openpgpKeyFingerprint: string | null;
  thread: { at: string; from: 'you' | 'security team'; body: string; attachments: { filename: string; size: number; sha256: string }[] }[];
  attachments: { filename: string; size: number; sha256: string; at: string }[];
  events: { at: string; type: string; detail: Record<string, unknown> }[];
  mailSent: { at: string; to: string | null; template: string; result: string; encrypted: boolean }[];
  mailReceived: { at: string; from: string | null; source: string }[];
}

export async function exportReporterData(db: Db, vault: ReportVault, secret: InstanceSecret, report: Report, now = new Date()): Promise<ReporterDataExport> {
  const attachments = await listAttachments(db, vault, report.id);
  const [timeline, policy, key, deliveries, mails] = await Promise.all([
    loadTimeline(db, vault, report.id, 'reporter', attachments),
    db.selectFrom('policy_versions').select('version').where('id', '=', report.policy_version_id).executeTakeFirstOrThrow(),
    storedReporterKey(db, vault, report.id),
    deliveryHistory(db, secret, report.id),
    db.selectFrom('inbound_mails').select(['id', 'received_at', 'source', 'envelope_from', 'envelope_from_sealed']).where('report_id', '=', report.id).orderBy('received_at').execute(),
  ]);
  const file = (a: { filename: string; size: number; sha256: string }) => ({ filename: a.filename, size: a.size, sha256: a.sha256 });
  return {
    format: 'embargo-reporter-data/1',
    exportedAt: now.toISOString(),
    report: {
      reference: report.reference,
      channel: report.channel,
      state: STATE_LABELS[report.state],
      submittedAt: report.created_at.toISOString(),
      product: report.product,
      productVersion: report.product_version,
      vulnerabilityType: report.vulnerability_type,
      title: report.title,
      description: report.description,
      stepsToReproduce: report.steps_to_reproduce,
      impact: report.impact,
      cvssVector: report.reporter_cvss_vector,
      aiAssistance: report.ai_assistance,
      policyVersion: policy.version,
      ...exportedPolicy(readPolicyAcceptance(report, policy.version)),
    },
    identity: { name: report.reporter_name, handle: report.reporter_handle, email: report.reporter_email, erasedAt: report.reporter_erased_at?.toISOString() ?? null },
    credit: report.credit_preference,
    openpgpKeyFingerprint: key ? (await (await openpgpLib()).readKey({ armoredKey: key })).getFingerprint() : null,
    thread: timeline.flatMap((e) =>
      e.kind === 'message' ? [{ at: e.at.toISOString(), from: e.authorKind === 'reporter' ? ('you' as const) : ('security team' as const), body: e.body, attachments: e.attachments.map(file) }] : [],
    ),
    attachments: attachments.filter((a) => a.messageId === null).map((a) => ({ ...file(a), at: a.createdAt.toISOString() })),
    events: timeline.flatMap((e) => (e.kind === 'event' ? [{ at: e.at.toISOString(), type: e.type, detail: e.data }] : [])),
    mailSent: deliveries.map((d) => ({ at: d.created_at.toISOString(), to: d.to_address, template: d.template, result: d.result, encrypted: d.encrypted })),
    mailReceived: mails.map((m) => ({ at: m.received_at.toISOString(), from: openEnvelopeFrom(secret, m) ?? null, source: m.source })),
  };
}

/** The reporter's policy record in their export: when they accepted, or in words that it was never shown. */
function exportedPolicy(a: PolicyAcceptance): { policyAcceptedAt: string | null; policyAcceptance: 'accepted' | typeof POLICY_NOT_SHOWN } {
  return a.kind === 'accepted' ? { policyAcceptedAt: a.at.toISOString(), policyAcceptance: 'accepted' } : { policyAcceptedAt: null, policyAcceptance: POLICY_NOT_SHOWN };
}

import { z } from 'zod';
import { readPolicyAcceptance, type PolicyAcceptance } from '../../domain/policy-acceptance.ts';
import type { Report } from '../../db/schema.ts';
import { REPORT_STATES } from '../../domain/lifecycle.ts';
import type { AttachmentInfo } from '../../reports/read-report.ts';
import { SEVERITIES } from '../../sla/sla-targets.ts';
import { describeSpamSignal } from '../../triage/spam-signals.ts';
import { readDisclosure } from '../../disclosure/disclosure-rules.ts';
import { craCaseSchema, type ApiCraCase } from './report-cra.ts';

/**
 * The report as the API shows it. Fields are only ever added, so clients must
 * ignore fields they do not know.
 */
const timestamp = z.iso.datetime().meta({ description: 'RFC 3339, UTC.' });
const reportPath = (reference: string) => `/api/v1/reports/${encodeURIComponent(reference)}`;

export const attachmentSchema = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    size: z.int().meta({ description: 'Bytes.' }),
    sha256: z.string().meta({ description: 'Hex digest of the content.' }),
    messageId: z.uuid().nullable().meta({ description: 'The thread message it came with; null for the original submission.' }),
    createdAt: timestamp,
    url: z.string().meta({ description: 'Download path (application/octet-stream), same token.' }),
  })
  .meta({ id: 'Attachment' });

const personSchema = z.object({ id: z.uuid(), name: z.string() });

/** The team's severity and the SLA clocks (issue 5). */
export const severitySchema = z
  .object({
    vector: z.string().meta({ description: 'The team’s CVSS 3.1 or 4.0 vector.' }),
    score: z.number(),
    rating: z.enum(SEVERITIES),
    second: z
      .object({ vector: z.string(), score: z.number(), rating: z.enum(SEVERITIES) })
      .nullable()
      .meta({ description: 'The team’s vector of the other CVSS version (4.0 beside a 3.1 `vector`, or the reverse), carried into advisories; only `vector` rates the report. Null when none.' }),
  })
  .nullable()
  .meta({ description: 'The team’s assessment (not the reporter’s suggestion); null until set. Drives the remediation target.' });

export const slaClockSchema = z
  .object({
    name: z.enum(['first-response', 'triage', 'remediation', 'update-nudge']),
    label: z.string(),
    state: z.enum(['running', 'paused', 'met', 'breached', 'not-applicable']).meta({ description: 'paused: waiting on the reporter.' }),
    dueAt: z.iso.datetime().nullable().meta({ description: 'For a paused clock: where the deadline would be if it resumed now.' }),
    pausedSince: z.iso.datetime().nullable(),
    metAt: z.iso.datetime().nullable(),
    explanation: z.string().meta({ description: 'When it is due and why, in the program’s time zone.' }),
  })
  .meta({ id: 'SlaClock' });

/** The agreed disclosure date (src/disclosure/). */
export const disclosureSchema = z
  .object({
    at: timestamp.meta({ description: 'The public disclosure moment, RFC 3339, UTC.' }),
    timeZone: z.string().meta({ description: 'The IANA time zone the date was proposed in, e.g. Europe/Amsterdam.' }),
    status: z.enum(['proposed-by-team', 'proposed-by-reporter', 'agreed']).meta({ description: 'Whose answer the date waits for, or agreed by both.' }),
    proposedBy: z.enum(['team', 'reporter']).meta({ description: 'Who proposed this date.' }),
  })
  .nullable()
  .meta({ id: 'DisclosureDate', description: 'The proposed or agreed public disclosure date; null until one is proposed. Nothing is published automatically when it comes.' });

export const reportSchema = z
  .object({
    id: z.uuid(),
    reference: z.string().meta({ description: 'Human reference, e.g. EMB-2026-0001; used in every report URL.' }),
    state: z.enum(REPORT_STATES),
    channel: z.enum(['web', 'email', 'api', 'staff']).meta({ description: '"staff": recorded by the team for a severe incident (EU CRA Art. 14(3)); it has no reporter.' }),
    title: z.string(),
    product: z.string().meta({ description: 'Product id from the program, or "other".' }),
    productVersion: z.string(),
    vulnerabilityType: z.string(),
    description: z.string(),
    stepsToReproduce: z.string(),
    impact: z.string(),
    reporterCvssVector: z.string().nullable().meta({ description: 'The reporter’s own suggestion; the team’s is `severity`.' }),
    severity: severitySchema,
    slaClocks: z.array(slaClockSchema).meta({ description: 'Every response-time promise the program makes for this report.' }),
    quarantine: z
      .object({
        quarantined: z.boolean().meta({ description: 'Waiting in the quarantine as possible spam (stored and acknowledged, out of the normal inbox views).' }),
        reasons: z.array(z.object({ code: z.string(), description: z.string() })).meta({ description: 'The signals that quarantined it; kept after release.' }),
      })
      .meta({ id: 'Quarantine' }),
    duplicateOf: z.string().nullable().meta({ description: 'Reference of the original when this report was marked a duplicate.' }),
    disclosure: disclosureSchema,
    cra: z.array(craCaseSchema).meta({ description: 'EU Cyber Resilience Act Article 14 reporting: empty unless the report was marked actively exploited or a severe incident (docs/cra.md).' }),
    credit: z.object({ preference: z.enum(['name', 'handle', 'anonymous', 'none']) }),
    reporter: z
      .object({ name: z.string().nullable(), handle: z.string().nullable(), email: z.string().nullable() })
      .optional()
      .meta({ description: 'Personal data: present only for tokens with reports:read.' }),
    policy: z
      .object({
        version: z.int().meta({ description: 'The policy version in force when the report arrived.' }),
        acceptance: z.enum(['accepted', 'not-shown']).meta({ description: '"accepted": the reporter accepted this version (web form, API). "not-shown": the report came by e-mail and its sender was never shown the policy.' }),
        acceptedAt: timestamp.nullable().meta({ description: 'When the reporter accepted it; null when the policy was not shown.' }),
      })
      .meta({ description: 'The disclosure policy and the reporter: accepted, or (by e-mail) never shown.' }),
    assignee: personSchema.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    resolvedAt: timestamp.nullable(),
    attachments: z.array(attachmentSchema),
    links: z.object({ self: z.string(), messages: z.string(), staffPage: z.string() }),
  })
  .meta({ id: 'Report' });
export type ApiReport = z.infer<typeof reportSchema>;
export type ApiAttachment = z.infer<typeof attachmentSchema>;

export function presentAttachment(reference: string, a: AttachmentInfo): ApiAttachment {
  return {
    id: a.id,
    filename: a.filename,
    size: a.size,
    sha256: a.sha256,
    messageId: a.messageId,
    createdAt: a.createdAt.toISOString(),
    url: `${reportPath(reference)}/attachments/${a.id}`,
  };
}

export function presentReport(args: {
  report: Report;
  policyVersion: number;
  assignee: { id: string; name: string } | null;
  attachments: readonly AttachmentInfo[];
  triage: { severity: z.infer<typeof severitySchema>; slaClocks: z.infer<typeof slaClockSchema>[] };
  includeReporter: boolean;
  baseUrl: string;
  /** The original's reference, when this is a duplicate. */
  duplicateOf: string | null;
  /** The CRA Article 14 cases (src/api/reports/report-cra.ts). */
  cra: ApiCraCase[];
}): ApiReport {
  const { report: r } = args;
  return {
    id: r.id,
    reference: r.reference,
    state: r.state,
    channel: r.channel,
    title: r.title,
    product: r.product,
    productVersion: r.product_version,
    vulnerabilityType: r.vulnerability_type,
    description: r.description,
    stepsToReproduce: r.steps_to_reproduce,
    impact: r.impact,
    reporterCvssVector: r.reporter_cvss_vector,
    severity: args.triage.severity,
    slaClocks: args.triage.slaClocks,
    quarantine: { quarantined: r.quarantined, reasons: r.quarantine_reasons.map((code) => ({ code, description: describeSpamSignal(code) })) },
    duplicateOf: args.duplicateOf,
    disclosure: presentDisclosure(r),
    cra: args.cra,
    credit: { preference: r.credit_preference },
    ...(args.includeReporter ? { reporter: { name: r.reporter_name, handle: r.reporter_handle, email: r.reporter_email } } : {}),
    policy: presentPolicy(readPolicyAcceptance(r, args.policyVersion)),
    assignee: args.assignee,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    attachments: args.attachments.map((a) => presentAttachment(r.reference, a)),
    links: { self: reportPath(r.reference), messages: `${reportPath(r.reference)}/messages`, staffPage: `${args.baseUrl}/staff/reports/${encodeURIComponent(r.reference)}` },
  };
}

function presentDisclosure(r: Report): ApiReport['disclosure'] {
  const d = readDisclosure(r);
  return d && { at: d.at.toISOString(), timeZone: d.timeZone, status: d.status, proposedBy: d.proposedBy };
}

export { reportPath };

/** The policy line of a report: accepted (when), or by e-mail and never shown (src/domain/policy-acceptance.ts). */
function presentPolicy(a: PolicyAcceptance): { version: number; acceptance: PolicyAcceptance['kind']; acceptedAt: string | null } {
  return { version: a.version, acceptance: a.kind, acceptedAt: a.kind === 'accepted' ? a.at.toISOString() : null };
}

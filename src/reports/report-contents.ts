import { createHash } from 'node:crypto';
import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { Report, ReportRow, SealedReportColumn } from '../db/schema.ts';

/** What a reporter wrote and who they are: the parts of a report sealed at rest. */
export interface ReportContents {
  title: string;
  description: string;
  stepsToReproduce: string;
  impact: string;
  reporter: ReporterIdentity;
}

export interface ReporterIdentity {
  name: string | null;
  handle: string | null;
  email: string | null;
}

/** Every report column that is stored in clear: what a use case may select without the vault. */
export const PLAIN_REPORT_COLUMNS = [
  'id', 'program_id', 'reference', 'channel', 'state', 'resume_state', 'product', 'product_version', 'vulnerability_type',
  'reporter_cvss_vector', 'credit_preference', 'policy_version_id', 'policy_accepted_at', 'tracking_token_hash', 'assignee_id',
  'client_encryption', 'resolved_at', 'created_at', 'updated_at', 'team_cvss_vector', 'team_cvss_second_vector', 'team_cvss_score', 'severity', 'cwe_id',
  'expected_resolution_date', 'next_deadline_at', 'duplicate_of', 'closure_reason', 'quarantined', 'quarantine_reasons',
  'ai_assistance', 'submitter_ip_hash', 'ssvc', 'credit_with_original', 'reporter_erased_at',
  'disclosure_at', 'disclosure_time_zone', 'disclosure_status', 'disclosure_proposed_by', 'restricted_to',
  'language',
] as const satisfies readonly Exclude<keyof ReportRow, SealedReportColumn>[];

/** A report without its contents. */
export type PlainReport = Omit<ReportRow, SealedReportColumn>;

// A column added to reports must be listed above or declared sealed: this fails to compile otherwise.
type Unlisted = Exclude<keyof ReportRow, SealedReportColumn | (typeof PLAIN_REPORT_COLUMNS)[number]>;
const _allListed: [Unlisted] extends [never] ? true : never = true;
void _allListed;

type Body = { description: string; stepsToReproduce: string; impact: string };

/** Words the inbox search and duplicate ranking may match, as blind terms. */
function searchableText(c: ReportContents, plain: { product: string; vulnerabilityType: string }): string {
  return [c.title, c.title, plain.product, plain.vulnerabilityType, c.description, c.impact].join('\n');
}

/** The sealed columns of a new report. */
export function sealReport(
  vault: ReportVault,
  reportId: string,
  contents: ReportContents,
  plain: { product: string; vulnerabilityType: string },
): Pick<ReportRow, 'data_key' | 'title_sealed' | 'content_sealed' | 'reporter_sealed' | 'search_terms'> {
  const { key, wrapped } = vault.newKey(reportId);
  const body: Body = { description: contents.description, stepsToReproduce: contents.stepsToReproduce, impact: contents.impact };
  return {
    data_key: wrapped,
    title_sealed: vault.seal(key, 'title', contents.title),
    content_sealed: vault.sealJson(key, 'content', body),
    reporter_sealed: vault.sealJson(key, 'reporter', contents.reporter),
    search_terms: vault.blindTerms(searchableText(contents, plain)),
  };
}

/** The report's data key, unwrapped for sealing or opening its fields, messages and attachments. */
export function reportKey(vault: ReportVault, row: Pick<ReportRow, 'id' | 'data_key'>): DataKey {
  return vault.openKey(row.id, row.data_key);
}

/** A stored row with its contents opened: what every reader of a report works with. */
export function openReport(vault: ReportVault, row: ReportRow): Report {
  const key = reportKey(vault, row);
  const body = vault.openJson<Body>(key, 'content', row.content_sealed);
  const reporter = vault.openJson<ReporterIdentity>(key, 'reporter', row.reporter_sealed);
  const { data_key: _k, title_sealed, content_sealed: _c, reporter_sealed: _r, search_terms: _s, evaluation_sealed, ...plain } = row;
  return {
    ...plain,
    title: vault.openText(key, 'title', title_sealed),
    evaluation: evaluation_sealed ? vault.openText(key, 'evaluation', evaluation_sealed) : null,
    description: body.description,
    steps_to_reproduce: body.stepsToReproduce,
    impact: body.impact,
    reporter_name: reporter.name,
    reporter_handle: reporter.handle,
    reporter_email: reporter.email,
  };
}

/** Only the title, for lists that show many reports. */
export function openTitle(vault: ReportVault, row: Pick<ReportRow, 'id' | 'data_key' | 'title_sealed'>): string {
  return vault.openText(reportKey(vault, row), 'title', row.title_sealed);
}

/** Only the reporter identity (notifications, thanks page). */
export function openReporter(vault: ReportVault, row: Pick<ReportRow, 'id' | 'data_key' | 'reporter_sealed'>): ReporterIdentity {
  return vault.openJson<ReporterIdentity>(reportKey(vault, row), 'reporter', row.reporter_sealed);
}

/** The reporter identity re-sealed after a change (credit preference). */
export function sealReporter(vault: ReportVault, row: Pick<ReportRow, 'id' | 'data_key'>, reporter: ReporterIdentity): Buffer {
  return vault.sealJson(reportKey(vault, row), 'reporter', reporter);
}

/** The evaluation sent when acknowledging (src/triage/acknowledge-with-evaluation.ts). */
export function sealEvaluation(vault: ReportVault, key: DataKey, evaluation: string): Buffer {
  return vault.seal(key, 'evaluation', evaluation);
}

/** Only the evaluation, for the reporter's acknowledgement mail. */
export function openEvaluation(vault: ReportVault, row: Pick<ReportRow, 'id' | 'data_key' | 'evaluation_sealed'>): string | null {
  return row.evaluation_sealed ? vault.openText(reportKey(vault, row), 'evaluation', row.evaluation_sealed) : null;
}

/** Thread messages and attachments are sealed with their report's key, bound to their own id. */
export function sealMessageBody(vault: ReportVault, key: DataKey, messageId: string, body: string): Buffer {
  return vault.seal(key, `message:${messageId}`, body);
}

export function openMessageBody(vault: ReportVault, key: DataKey, messageId: string, sealed: Buffer): string {
  return vault.openText(key, `message:${messageId}`, sealed);
}

/**
 * The stored form of an uploaded file: name, digest and content sealed separately so listing names never opens
 * contents. The digest is sealed too: in clear it would let a dump confirm a known proof-of-concept file.
 */
export function sealAttachment(
  vault: ReportVault,
  key: DataKey,
  attachmentId: string,
  file: { filename: string; content: Buffer },
): { filename_sealed: Buffer; sha256_sealed: Buffer; content: Buffer } {
  return {
    filename_sealed: vault.seal(key, `attachment-name:${attachmentId}`, file.filename),
    sha256_sealed: sealAttachmentDigest(vault, key, attachmentId, createHash('sha256').update(file.content).digest('hex')),
    content: vault.seal(key, `attachment:${attachmentId}`, file.content),
  };
}

/** The hex SHA-256 of an attachment's content, sealed (also for digests of earlier versions, sealed on start). */
export function sealAttachmentDigest(vault: ReportVault, key: DataKey, attachmentId: string, hexDigest: string): Buffer {
  return vault.seal(key, `attachment-sha256:${attachmentId}`, hexDigest);
}

export function openAttachmentDigest(vault: ReportVault, key: DataKey, attachmentId: string, sealed: Buffer): string {
  return vault.openText(key, `attachment-sha256:${attachmentId}`, sealed);
}

export function openAttachmentName(vault: ReportVault, key: DataKey, attachmentId: string, sealed: Buffer): string {
  return vault.openText(key, `attachment-name:${attachmentId}`, sealed);
}

export function openAttachmentContent(vault: ReportVault, key: DataKey, attachmentId: string, sealed: Buffer): Buffer {
  return vault.open(key, `attachment:${attachmentId}`, sealed);
}

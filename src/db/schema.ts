import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CraTables } from './cra-tables.ts';
import type { CraClockName } from '../cra/cra-clocks.ts';
import type { ReportState, ResumableState } from '../domain/lifecycle.ts';
import type { AdvisoriesTable, AdvisoryCountersTable } from './advisory-tables.ts';
import type { SubscriptionTables } from './subscription-tables.ts';
import type { StaffAuthTables } from './staff-auth-tables.ts';
import type { StaffIdentityTables } from './staff-identity-tables.ts';
import type { TeamNoticeTables } from './team-notice-tables.ts';
import type { AuditTables } from './audit-tables.ts';
import type { WebhookTables } from './webhook-tables.ts';
import type { TrackerTables } from './tracker-tables.ts';
import type { CoordinationTables } from './coordination-tables.ts';
import type { EarlyNoticeTables } from './early-notice-tables.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Role = 'admin' | 'lead' | 'triager' | 'viewer';
/** How a report came in; 'staff': recorded by the team itself for a severe incident (src/cra/record-incident.ts), no reporter. */
export type Channel = 'web' | 'email' | 'api' | 'staff';
export type CreditPreference = 'name' | 'handle' | 'anonymous' | 'none';
export type EventType =
  | 'submitted' | 'state-changed' | 'assigned' | 'reporter-replied' | 'staff-replied' | 'note-added' | 'credit-changed'
  | 'severity-set' | 'cwe-set' | 'evaluation-sent' | 'resolution-date-changed' | 'duplicate-marked'
  | 'quarantined' | 'quarantine-released' | 'sender-blocked' | 'sender-unblocked' | 'ssvc-set' | 'advisory-published'
  | 'disclosure-date-proposed' | 'disclosure-date-agreed' | 'reporter-data-erased'
  | 'cra-marked' | 'cra-measure-available' | 'cra-submission-recorded' | 'cra-draft-saved' | 'cra-users-informed'
  | 'approval-requested' | 'approval-granted' | 'approval-declined'
  | 'party-invited' | 'party-revoked' | 'party-opened' | 'party-message-shared' | 'party-posted' | 'party-status-set' | 'party-disclosure-answered' | 'reporter-naming-changed'
  | 'early-notice-sent'
  | 'access-restricted' | 'access-changed' | 'access-lifted' | 'access-self-granted';
export type ActorKind = 'reporter' | 'staff' | 'system';
export type JobKind = 'notify-reporter' | 'process-inbound-mail' | 'mail-acknowledgement' | 'sla-sweep' | 'sla-mail' | 'subscription-mail' | 'notify-subscribers' | 'mail-subscriber' | 'forget-unconfirmed-subscribers' | 'staff-account-mail' | 'recover-tracking-link'
  | 'notify-team' | 'team-mail' | 'team-digest' | 'webhook-delivery' | 'party-mail' | 'mail-early-notice';
export type JobState = 'pending' | 'running' | 'done' | 'failed';

export interface ProgramsTable {
  id: Generated<string>;
  /** URL-safe name from the config file; the config is re-applied on start by slug. */
  slug: string;
  name: string;
  /** The validated ProgramConfig this program was last started with. */
  config: ColumnType<unknown, string, string>;
  /** Closing as not applicable or spam and publishing an advisory need a second person (src/approvals/). */
  two_person_rule: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface PolicyVersionsTable {
  id: Generated<string>;
  program_id: string;
  /** 1, 2, 3… per program. */
  version: number;
  /** PolicySections as published; never edited afterwards. */
  sections: ColumnType<unknown, string, never>;
  published_at: CreatedAt;
  /** Staff member who published it from the UI; null when it came from the config file. */
  published_by: string | null;
  /** Why it changed, shown in the history. */
  note: string | null;
  /** The policy in other languages, { language: PolicySections }, published with this version (docs/languages.md). */
  translations: ColumnType<unknown, string | undefined, never>;
}

export interface StaffUsersTable {
  id: Generated<string>;
  /** Login name; unique case-insensitively. */
  email: string;
  display_name: string;
  /** argon2id PHC string. */
  password_hash: string;
  created_at: CreatedAt;
  /** Set when the account may no longer sign in. */
  disabled_at: Timestamp | null;
  /** Receives the daily SLA digest (opt-out). */
  sla_digest: ColumnType<boolean, boolean | undefined, boolean>;
  /** True from an invitation until the invitee sets a password; disabled_at is set meanwhile. */
  invitation_pending: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface MembershipsTable {
  user_id: string;
  program_id: string;
  role: Role;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  token_hash: Buffer;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SetupTokensTable {
  /** SHA-256 of the one-time first-admin link's token. */
  token_hash: Buffer;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface ReportCountersTable {
  program_id: string;
  year: number;
  /** Highest reference number handed out in that year. */
  last_number: number;
}

export interface ReportsTable {
  id: Generated<string>;
  program_id: string;
  /** Human reference, e.g. EMB-2026-0001; unique across the instance. */
  reference: string;
  channel: Channel;
  /** The language mail to the reporter is written in (docs/languages.md); null: the program's default. */
  language: ColumnType<string | null, string | null | undefined, string | null>;
  state: ReportState;
  /** While in needs-info: the state to return to when the reporter answers. */
  resume_state: ResumableState | null;
  /** The report's AES-256 data key, wrapped under a key derived from the instance secret (src/crypto/report-vault.ts). */
  data_key: Buffer;
  /** Sealed with the data key; open with src/reports/report-contents.ts, never read elsewhere. */
  title_sealed: Buffer;
  /** Sealed JSON { description, stepsToReproduce, impact }. */
  content_sealed: Buffer;
  /** Sealed JSON { name, handle, email }. */
  reporter_sealed: Buffer;
  /** Blind index terms (keyed word hashes) for inbox search and duplicate ranking. */
  search_terms: string[];
  /** Product id from the program config, or "other". In clear: the inbox filters on it. */
  product: string;
  product_version: string;
  vulnerability_type: string;
  /** The reporter's own CVSS suggestion; the team's score lives elsewhere. */
  reporter_cvss_vector: string | null;
  credit_preference: CreditPreference;
  /** The policy version in force when the report arrived: the one the reporter accepted, when policy_accepted_at is set. */
  policy_version_id: string;
  /** When the reporter accepted it; null when they were never shown it (a report by e-mail; src/domain/policy-acceptance.ts). */
  policy_accepted_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** SHA-256 of the tracking capability; the token is shown once, never stored. */
  tracking_token_hash: Buffer;
  assignee_id: string | null;
  /** 'openpgp' when the reporter's browser encrypted the report to the program key; null: TLS only. */
  client_encryption: 'openpgp' | null;
  /** Set when the report first reaches fixed, disclosed or closed; cleared on reopening. */
  resolved_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The team's CVSS vector (validated before storing); the reporter's is reporter_cvss_vector. */
  team_cvss_vector: ColumnType<string | null, string | null | undefined, string | null>;
  /** The team's vector of the other CVSS version (3.1 beside 4.0 or the reverse), only beside team_cvss_vector; it does not rate the report. */
  team_cvss_second_vector: ColumnType<string | null, string | null | undefined, string | null>;
  /** Its score, 0.0–10.0; numeric comes back as a string. Null exactly when the vector is. */
  team_cvss_score: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  /** The team's severity; drives the remediation target. */
  severity: ColumnType<Severity | null, Severity | null | undefined, Severity | null>;
  /** A weakness of the shipped CWE list. */
  cwe_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Promised to the reporter with the evaluation, as YYYY-MM-DD (a date, read as text). */
  expected_resolution_date: ColumnType<string | null, string | null | undefined, string | null>;
  /** The evaluation sent when acknowledging, sealed with the data key (purpose 'evaluation'). */
  evaluation_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Earliest due time of the open SLA clocks (src/sla/recompute-next-deadline.ts); the "Due" view's order. */
  next_deadline_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The original report when this one is a duplicate. */
  duplicate_of: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why it was closed as not applicable. */
  closure_reason: ColumnType<ClosureReason | null, ClosureReason | null | undefined, ClosureReason | null>;
  /** Restricted report: the staff ids who may read it (src/reports/restrict-report.ts); null when every member of the program may. */
  restricted_to: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** Looked like spam at submission: listed in the Quarantine tab, not the normal views, until released or closed. */
  quarantined: ColumnType<boolean, boolean | undefined, boolean>;
  /** Spam signal codes (src/triage/spam-signals.ts) that quarantined it; kept after release. */
  quarantine_reasons: ColumnType<string[], string[] | undefined, string[]>;
  /** The submitter's declaration of AI assistance, when they answered. */
  ai_assistance: ColumnType<AiAssistance | null, AiAssistance | null | undefined, AiAssistance | null>;
  /** The team's SSVC decision points and priority (src/triage/ssvc.ts SsvcDecision); null until assessed. */
  ssvc: ColumnType<unknown, string | null | undefined, string | null>;
  /** Keyed HMAC of the submitting IP (web form only), for "block this sender". */
  submitter_ip_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** A duplicate whose reporter is credited too, under the year the original was resolved. */
  credit_with_original: ColumnType<boolean, boolean | undefined, boolean>;
  /** When the reporter's personal data was erased (src/privacy/erase-reporter-data.ts); null while kept. */
  reporter_erased_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The proposed or agreed public disclosure moment (src/disclosure/); null until someone proposes one. */
  disclosure_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The IANA zone the disclosure moment was written in. */
  disclosure_time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  /** Whose answer the date waits for, or agreed. */
  disclosure_status: ColumnType<DisclosureStatus | null, DisclosureStatus | null | undefined, DisclosureStatus | null>;
  /** Who proposed the current date. */
  disclosure_proposed_by: ColumnType<DisclosureSide | null, DisclosureSide | null | undefined, DisclosureSide | null>;
}

export type DisclosureStatus = 'proposed-by-team' | 'proposed-by-reporter' | 'agreed';
export type DisclosureSide = 'team' | 'reporter';

/** Staff who follow a report: they get its SLA reminders like the assignee. */
export interface ReportWatchersTable {
  report_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';
export type ClosureReason = 'out-of-scope' | 'not-a-vulnerability' | 'informative' | 'cannot-reproduce';
export type AiAssistance = 'no' | 'writing' | 'finding';

/** A reply template a program's admins maintain (src/canned/). */
export interface CannedResponsesTable {
  id: Generated<string>;
  program_id: string;
  /** Unique per program, case-insensitively. */
  title: string;
  /** Plain text with {{variables}}, filled server-side when used. */
  body: string;
  /** Set when the template closes a report as not applicable with this reason. */
  closure_reason: ClosureReason | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A sender whose new reports go to quarantine; addresses stored only as keyed hashes. */
export interface BlockedSendersTable {
  id: Generated<string>;
  program_id: string;
  kind: 'email' | 'ip';
  /** HMAC-SHA256 of the normalised address (src/triage/sender-hash.ts). */
  value_hash: Buffer;
  reason: string;
  /** The report that led to the block. */
  report_id: string | null;
  blocked_by: string | null;
  created_at: CreatedAt;
  /** When the block stops counting; null (e-mail addresses only) for "until removed". An IP block always has one. */
  expires_at: Date | null;
}

export interface ReportMessagesTable {
  /** Chosen by the application (randomUUID) so the body can be sealed bound to it before the insert. */
  id: string;
  report_id: string;
  author_kind: 'reporter' | 'staff';
  /** The staff author; null for the reporter. */
  author_id: string | null;
  /** internal notes are never shown to the reporter. */
  visibility: 'reporter' | 'internal';
  /** Sealed with the report's data key, purpose `message:<id>`. */
  body_sealed: Buffer;
  created_at: CreatedAt;
}

export interface ReportAttachmentsTable {
  /** Chosen by the application, like message ids: the sealed name and content are bound to it. */
  id: string;
  report_id: string;
  /** The thread message it came with; null for the original submission. */
  message_id: string | null;
  /** As the uploader named it, sealed (purpose `attachment-name:<id>`); only ever sent back in Content-Disposition, encoded. */
  filename_sealed: Buffer;
  /** As declared by the uploader; informational, never used to serve the file. */
  content_type: string;
  size: number;
  /** Of the plaintext, in clear: only on rows from before 2026-12-02T0730, until sealed on start (src/reports/seal-legacy-report-texts.ts). */
  sha256: ColumnType<string | null, string | null | undefined, string | null>;
  /** SHA-256 of the plaintext (hex), sealed (purpose `attachment-sha256:<id>`): a digest in clear would confirm a known file. */
  sha256_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Sealed (purpose `attachment:<id>`). */
  content: Buffer;
  created_at: CreatedAt;
}

export interface ReportEventsTable {
  id: Generated<string>;
  report_id: string;
  actor_kind: ActorKind;
  actor_id: string | null;
  type: EventType;
  /** Type-specific details in clear, e.g. { from, to } for state-changed; never words someone wrote (those are text_sealed). */
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The event's free text (EventText: a reason, a closing note), sealed JSON with the report's data key, purpose `event-text:<id>` (src/reports/event-text.ts). */
  text_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Shown on the tracking page and notified to the reporter. */
  reporter_visible: boolean;
  created_at: CreatedAt;
}

export interface JobsTable {
  id: Generated<string>;
  kind: JobKind;
  /** Updatable so a job can scrub what it no longer needs (the acknowledgement's sealed tracking token). */
  payload: ColumnType<Record<string, unknown>, string, string>;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  attempts: ColumnType<number, number | undefined, number>;
  /** Attempts allowed to this job; NULL: its kind's budget (src/jobs/job-kinds.ts). A retry by hand extends it. */
  max_attempts: ColumnType<number | null, number | null | undefined, number | null>;
  /** Not before this time (backoff after a failure). */
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** When a worker claimed it; a stale claim is taken over. */
  locked_at: Timestamp | null;
  /** The worker holding it while running (its worker_heartbeats id); a job of a worker whose heartbeat went stale is taken over. */
  locked_by: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface RateLimitsTable {
  /** e.g. login:ip:203.0.113.9 */
  key: string;
  hits: number;
  window_ends_at: Timestamp;
}

export type ProgramKeyStatus = 'active' | 'retired';
export type ProgramKeyOrigin = 'generated' | 'imported';

export interface ProgramKeysTable {
  id: Generated<string>;
  program_id: string;
  /** OpenPGP v4 fingerprint, 40 lowercase hex digits. */
  fingerprint: string;
  /** The transferable public key, ASCII-armored: what /pgp-key.txt and WKD serve. */
  public_key_armored: string;
  /** The secret key, ASCII-armored and encrypted with a passphrase derived from the instance secret (never stored). */
  private_key_armored: string;
  /** Made by Embargo, or brought by the operator with `embargo key import`. */
  origin: ProgramKeyOrigin;
  /** One active key per program signs and is published; retired keys only decrypt old mail. */
  status: ColumnType<ProgramKeyStatus, ProgramKeyStatus | undefined, ProgramKeyStatus>;
  created_at: CreatedAt;
  /** When a newer key replaced it; null while active. */
  retired_at: Timestamp | null;
  /**
   * HMAC-SHA256 of private_key_armored under the key's passphrase, written once the instance secret
   * has opened the key: start-up compares it instead of decrypting the key. Null until then.
   */
  unlock_check: Buffer | null;
}

export type ApiScope = 'reports:submit' | 'reports:read' | 'reports:write';

export interface ApiTokensTable {
  id: Generated<string>;
  /** Tokens belong to one program and see only its reports. */
  program_id: string;
  /** Chosen by the admin, e.g. "HackerOne bridge"; unique among a program's live tokens. */
  name: string;
  /** SHA-256 of the whole token (emb_…); the token is shown once and never stored. */
  token_hash: Buffer;
  /** What the token may do; CHECK-constrained to the known scopes, never empty. */
  scopes: ApiScope[];
  /** The token's own disabled staff account: the system actor its replies and state changes are recorded under. */
  actor_id: string;
  /** The admin who created it; null when created with `embargo token create`. */
  created_by: string | null;
  created_at: CreatedAt;
  /** Touched at most once a minute. */
  last_used_at: Timestamp | null;
  /** Set on revocation; a revoked token is refused for good. */
  revoked_at: Timestamp | null;
  /** The admin who revoked it; null when revoked with the CLI. */
  revoked_by: string | null;
}

export type InboundMailOutcome = 'pending' | 'new-report' | 'reply' | 'auto-reply' | 'bounce' | 'ignored';
export type MailDecryption = 'not-encrypted' | 'decrypted' | 'failed';
export type MailSignature = 'unsigned' | 'valid' | 'invalid' | 'unknown-key';
export type MailTemplateName = 'acknowledgement' | 'reporter-update';
export type MailDeliveryResult = 'sent' | 'failed' | 'rejected' | 'skipped';

/** Every mail received by the SMTP listener or the IMAP poller, kept as evidence. */
export interface InboundMailsTable {
  id: string;
  program_id: string;
  /** The report it created or joined; null while pending and for ignored mail. */
  report_id: string | null;
  source: 'smtp' | 'imap';
  /** Only on rows from before 2026-11-23T1630, until sealed on start (src/mail/seal-legacy-addresses.ts); new rows use envelope_from_sealed. */
  envelope_from: ColumnType<string | null, string | null | undefined, string | null>;
  /** SMTP MAIL FROM ('' for the null sender), sealed (purpose 'inbound-envelope-from', bound to id); null when unknown (IMAP). */
  envelope_from_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  envelope_to: ColumnType<string[], string[] | undefined, string[]>;
  /** Message-ID header without angle brackets. */
  message_id: string | null;
  /** HMAC-SHA256 (key derived from the instance secret) of (Message-ID, body): a mail delivered twice is stored once. A plain SHA-256 on rows from before 2026-12-02T0730 until rekeyed on start. */
  dedupe_key: Buffer;
  size: number;
  /** Only on rows from before 2026-12-02T0730, until sealed on start (src/mail-intake/seal-legacy-inbound-digests.ts). */
  raw_sha256: ColumnType<string | null, string | null | undefined, string | null>;
  /** SHA-256 (hex) of the message as received, sealed (purpose 'inbound-raw-sha256', bound to id): it would confirm a known mail. */
  raw_sha256_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** The message as received, sealed with a key derived from the instance secret (src/mail/seal.ts). */
  raw_sealed: Buffer;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
  outcome: ColumnType<InboundMailOutcome, InboundMailOutcome | undefined, InboundMailOutcome>;
  decryption: MailDecryption | null;
  signature: MailSignature | null;
  /** Only on rows from before 2026-12-02T0730, until sealed on start. */
  signer_fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  /** The signer's key fingerprint, sealed (purpose 'inbound-signer', bound to id): it finds its owner on a key server. */
  signer_fingerprint_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** The signer key's user IDs (JSON array of strings), sealed (purpose 'inbound-signer-user-ids', bound to id): they name the sender. */
  signer_user_ids_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Why decryption failed or the mail was ignored. */
  detail: string | null;
}

/** Who downloaded the original of a received mail, and when (src/mail-intake/download-original.ts). */
export interface InboundMailDownloadsTable {
  id: Generated<string>;
  mail_id: string;
  staff_id: string;
  downloaded_at: CreatedAt;
}

/** One row per attempt to send one outbound mail. */
export interface MailDeliveriesTable {
  id: Generated<string>;
  job_id: string | null;
  report_id: string | null;
  template: MailTemplateName;
  /** Only on rows from before 2026-11-23T1630, until sealed on start (src/mail/seal-legacy-addresses.ts). */
  to_address: ColumnType<string | null, string | null | undefined, string | null>;
  /** The recipient, sealed (purpose 'mail-delivery-to', bound to "<job id>:<attempt>"); open with src/mail/deliveries.ts. */
  to_address_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Keyed hash of the recipient (src/triage/sender-hash.ts), for the per-address acknowledgement cap. */
  to_address_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Without angle brackets; the same for every attempt of one job. */
  message_id: string;
  attempt: number;
  result: MailDeliveryResult;
  encrypted: boolean;
  /** The relay's answer, or why nothing was sent. */
  smtp_response: string | null;
  created_at: CreatedAt;
}

/** The reporter's OpenPGP public key: mail to them is encrypted to it. */
export interface ReporterKeysTable {
  report_id: string;
  /** Only on rows from before 2026-12-02T0730, until sealed on start (src/reports/seal-legacy-report-texts.ts): a fingerprint finds its owner on a key server. */
  fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  /** Only on rows from before 2026-12-02T0730, until sealed on start: the key's user IDs name the reporter. */
  public_key_armored: ColumnType<string | null, string | null | undefined, string | null>;
  /** The armored public key, sealed with the report's data key (purpose 'reporter-key'); open with src/mail/reporter-keys.ts. */
  key_sealed: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  source: 'email' | 'web' | 'api';
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Who may run a singleton loop (the IMAP poller) until when. */
export interface MailLeasesTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
}

/** One reminder or escalation the SLA sweep sent (src/sla-reminders/); its uniqueness makes the sweep idempotent. */
export interface SlaRemindersTable {
  id: Generated<string>;
  report_id: string;
  clock: 'first-response' | 'triage' | 'remediation' | 'update-nudge' | 'disclosure' | CraClockName;
  /** The disclosure clock's: days before the agreed date, escalation once it passed, and the reporter's answers. */
  threshold: 'near-breach' | 'breach' | 'escalation' | '7-days-before' | '1-day-before' | 'reporter-proposed' | 'reporter-agreed';
  /** The deadline it was about. */
  due_at: Timestamp;
  recipient_id: string;
  created_at: CreatedAt;
}

/** One daily SLA digest per staff member and working day. */
export interface SlaDigestsTable {
  user_id: string;
  /** YYYY-MM-DD in the program's time zone. */
  day: ColumnType<string, string, never>;
  created_at: CreatedAt;
}

/** A likely duplicate found when the report was submitted (staff-only hint). */
export interface DuplicateSuggestionsTable {
  report_id: string;
  candidate_id: string;
  /** numeric(4,3): pg returns it as a string. */
  score: ColumnType<string, number, never>;
  reason: string;
  created_at: CreatedAt;
}

export interface Database extends SubscriptionTables, StaffAuthTables, TeamNoticeTables, StaffIdentityTables, AuditTables, CraTables, WebhookTables, CoordinationTables, TrackerTables, EarlyNoticeTables {
  programs: ProgramsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  policy_versions: PolicyVersionsTable;
  staff_users: StaffUsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  setup_tokens: SetupTokensTable;
  report_counters: ReportCountersTable;
  reports: ReportsTable;
  report_messages: ReportMessagesTable;
  report_attachments: ReportAttachmentsTable;
  report_events: ReportEventsTable;
  jobs: JobsTable;
  rate_limits: RateLimitsTable;
  program_keys: ProgramKeysTable;
  inbound_mails: InboundMailsTable;
  mail_deliveries: MailDeliveriesTable;
  reporter_keys: ReporterKeysTable;
  inbound_mail_downloads: InboundMailDownloadsTable;
  mail_leases: MailLeasesTable;
  api_tokens: ApiTokensTable;
  sla_reminders: SlaRemindersTable;
  sla_digests: SlaDigestsTable;
  canned_responses: CannedResponsesTable;
  blocked_senders: BlockedSendersTable;
  duplicate_suggestions: DuplicateSuggestionsTable;
  report_watchers: ReportWatchersTable;
  advisory_counters: AdvisoryCountersTable;
  advisories: AdvisoriesTable;
}

/** A report row as stored: contents sealed. Only src/reports/report-contents.ts opens it. */
export type ReportRow = Selectable<ReportsTable>;
/** The sealed columns of a report: selected only by the read functions. */
export type SealedReportColumn = 'data_key' | 'title_sealed' | 'content_sealed' | 'reporter_sealed' | 'search_terms' | 'evaluation_sealed';
/** A report with its contents opened: what views and use cases work with. */
export type Report = Omit<ReportRow, SealedReportColumn> & {
  title: string;
  description: string;
  steps_to_reproduce: string;
  impact: string;
  reporter_name: string | null;
  reporter_handle: string | null;
  reporter_email: string | null;
  /** The evaluation sent when acknowledging. */
  evaluation: string | null;
};
export type NewReport = Insertable<ReportsTable>;
export type StaffUser = Selectable<StaffUsersTable>;
export type ReportEvent = Selectable<ReportEventsTable>;
export type ReportMessageRow = Selectable<ReportMessagesTable>;
/** A thread message with its body opened. */
export type ReportMessage = Omit<ReportMessageRow, 'body_sealed'> & { body: string };

/** Which workers are alive (src/ops/heartbeat.ts), for the readiness check. */
export interface WorkerHeartbeatsTable {
  /** hostname:pid:random, chosen by the worker at start. */
  worker_id: string;
  started_at: ColumnType<Date, Date | undefined, never>;
  /** The last beat. */
  seen_at: ColumnType<Date, Date | undefined, Date>;
}

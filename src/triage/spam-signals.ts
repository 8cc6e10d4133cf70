import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import { runPrepared } from '../db/prepared-statements.ts';
import type { AiAssistance, Database } from '../db/schema.ts';
import { RateLimitedError } from '../errors.ts';
import { recordEvent } from '../reports/record-event.ts';
import { digestRateLimitKey, hitRateLimit } from '../web/rate-limit.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { copiedAdvisoryOf, copiedAdvisoryQuery } from './advisory-similarity.ts';
import { activeBlocksQuery, blocksOf } from './block-list.ts';
import { senderHasher, type SenderHasher } from './sender-hash.ts';

/** Local signals that a submission may be spam or low effort, as staff read them in the Quarantine tab. */
export const SPAM_SIGNALS = {
  'blocked-email': 'The e-mail address is on the block list.',
  'blocked-ip': 'The submitting address is on the block list.',
  'address-rate': 'Many reports from this e-mail address within the hour.',
  'low-effort': 'Very little text in the description, steps and impact.',
  'no-steps': 'No real steps to reproduce.',
  'machine-text': 'Contains text typical of unedited machine-generated output.',
  'ai-found': 'The submitter declared that AI tools found the issue.',
  'advisory-copy': 'Nearly a copy of a published advisory.',
  'advisory-near-duplicate': 'Much like a published advisory.',
} as const;
export type SpamSignal = keyof typeof SPAM_SIGNALS;

/** Any one of these quarantines: the team has already judged this sender, it is flooding, or it re-sends what we published. */
const STRONG: readonly SpamSignal[] = ['blocked-email', 'blocked-ip', 'address-rate', 'advisory-copy'];

/** From this similarity a submission is "nearly a copy" (strong); from ADVISORY_COPY_THRESHOLD it is "much like" (weak). */
const ADVISORY_COPY_STRONG = 0.75;

/**
 * Stored reason codes are a signal, optionally with its detail after a colon
 * ("advisory-copy:EMB-SA-2026-0001:0.82"), so the reason keeps naming the
 * advisory after it is revised. Staff read them through this.
 */
export function describeSpamSignal(code: string): string {
  const [signal = '', publicId, similarity] = code.split(':');
  if (!Object.hasOwn(SPAM_SIGNALS, signal)) return code;
  if ((signal === 'advisory-copy' || signal === 'advisory-near-duplicate') && publicId) {
    const pct = similarity ? ` (${Math.round(Number(similarity) * 100)}% similar)` : '';
    return `${signal === 'advisory-copy' ? 'Nearly a copy of' : 'Much like'} published advisory ${publicId}${pct}.`;
  }
  return SPAM_SIGNALS[signal as SpamSignal];
}

const signalOf = (code: string) => code.split(':')[0] as SpamSignal;
/** Each alone is common in honest reports (a terse expert, an honest AI declaration); two together are not. */
const WEAK_NEEDED = 2;

/** Reports per e-mail address and hour before further ones are quarantined (the per-IP limit rejects at 30). */
export const REPORTS_PER_ADDRESS_PER_HOUR = 5;

export interface SubmissionText {
  title: string;
  description: string;
  stepsToReproduce: string;
  impact: string;
  aiAssistance?: AiAssistance | undefined;
}

const words = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
const PLACEHOLDER_STEPS = /^(n\/?a|none|nothing|-+|\.+|tbd|todo|see (above|description|attached|attachment)|as above|obvious|trivial)\.?$/i;
const MACHINE_TEXT = /\bas an ai( language)? model\b|\bi (cannot|can't) browse\b|\[insert [^\]]{1,40}\]|\bregenerate response\b|\bknowledge cutoff\b/i;

/** Signals read from the text alone; pure, computed in memory from the submitted input (report columns are sealed). */
export function contentSignals(input: SubmissionText): SpamSignal[] {
  const signals: SpamSignal[] = [];
  if (words(`${input.description} ${input.stepsToReproduce} ${input.impact}`) < 25) signals.push('low-effort');
  const steps = input.stepsToReproduce.trim();
  if (PLACEHOLDER_STEPS.test(steps) || words(steps) < 6) signals.push('no-steps');
  if (MACHINE_TEXT.test(`${input.title}\n${input.description}\n${input.stepsToReproduce}\n${input.impact}`)) signals.push('machine-text');
  if (input.aiAssistance === 'finding') signals.push('ai-found');
  return signals;
}

/** The verdict from all signals: a strong one, or enough weak ones, quarantines. */
export function decideQuarantine(signals: readonly string[]): { quarantined: boolean; reasons: string[] } {
  const strong = signals.some((s) => STRONG.includes(signalOf(s)));
  const weak = signals.filter((s) => !STRONG.includes(signalOf(s))).length;
  const quarantined = strong || weak >= WEAK_NEEDED;
  return { quarantined, reasons: quarantined ? [...signals] : [] };
}

export interface SubmissionAssessment {
  quarantined: boolean;
  /** Signal codes, some with details (describeSpamSignal). */
  reasons: string[];
  aiAssistance: AiAssistance | null;
  /** Kept on the report so "block this sender" can block the address later. */
  ipHash: Buffer | null;
}

/**
 * Assesses a submission before it is stored: the block list, the per-address
 * rate limit and the content signals. Never refuses: a quarantined report is
 * stored and acknowledged like any other, and waits in the Quarantine tab.
 * `ip` is given for the web form only (an API client's address is the
 * forwarding platform's, not the reporter's).
 */
export async function assessSubmission(
  db: Db,
  hasher: SenderHasher,
  args: { programId: string; input: SubmissionText & { reporterEmail?: string | undefined }; ip?: string },
): Promise<SubmissionAssessment> {
  const signals: string[] = contentSignals(args.input);
  const emailHash = args.input.reporterEmail ? hasher.email(args.input.reporterEmail) : null;
  const ipHash = args.ip ? hasher.ip(args.ip) : null;
  // The copied-advisory and block-list checks in one round trip: each statement on the submission path
  // costs more in its socket write than in PostgreSQL (docs/performance.md). Expired IP blocks no longer count.
  const copiedQuery = copiedAdvisoryQuery(db, args.programId, `${args.input.title}\n${args.input.description}`);
  const blocksQuery = activeBlocksQuery(db, { programId: args.programId, emailHash, ipHash });
  const both = sql<{ copied: { public_id: string | null; sim: number } | null; blocks: string[] }>`SELECT
      ${copiedQuery ? sql`(SELECT json_build_object('public_id', c.public_id, 'sim', c.sim) FROM (${copiedQuery}) AS c)` : sql`NULL::json`} AS copied,
      ${blocksQuery ? sql`ARRAY(SELECT b.kind::text FROM (${blocksQuery}) AS b)` : sql`ARRAY[]::text[]`} AS blocks`;
  // One of a submission's three statements: kept prepared (src/db/prepared-statements.ts).
  const [found] = await runPrepared(db, both);
  const copied = copiedAdvisoryOf(found?.copied);
  if (copied) signals.push(`${copied.similarity >= ADVISORY_COPY_STRONG ? 'advisory-copy' : 'advisory-near-duplicate'}:${copied.publicId}:${copied.similarity}`);
  const blocks = blocksOf(found?.blocks ?? []);
  if (blocks.email) signals.unshift('blocked-email');
  if (blocks.ip) signals.unshift('blocked-ip');
  if (emailHash) {
    try {
      // Keyed by the address's hash: the rate_limits table never holds an address.
      await hitRateLimit(db, digestRateLimitKey('submit:email', emailHash), REPORTS_PER_ADDRESS_PER_HOUR, 3600);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      signals.unshift('address-rate');
    }
  }
  return { ...decideQuarantine(signals), aiAssistance: args.input.aiAssistance ?? null, ipHash };
}

/**
 * Stores the assessment on the new report, inside the submission's
 * transaction (submitReport's withinTransaction), with a staff-only event
 * when it is quarantined.
 */
export async function recordAssessment(trx: Transaction<Database>, reportId: string, a: SubmissionAssessment): Promise<void> {
  await trx
    .updateTable('reports')
    .set({ quarantined: a.quarantined, quarantine_reasons: a.reasons, ai_assistance: a.aiAssistance, submitter_ip_hash: a.ipHash })
    .where('id', '=', reportId)
    .execute();
  if (a.quarantined) {
    await recordEvent(trx, { reportId, actor: { kind: 'system' }, type: 'quarantined', data: { reasons: a.reasons }, reporterVisible: false });
  }
}

/**
 * For the submission routes: assesses the submission and returns the
 * `withinTransaction` step of submitReport that records the verdict, so the
 * flag is set in the transaction that stores the report.
 */
export async function screenSubmission(
  db: Db,
  secret: InstanceSecret,
  args: { programId: string; input: SubmissionText & { reporterEmail?: string | undefined }; ip?: string },
): Promise<(trx: Transaction<Database>, created: { id: string }) => Promise<void>> {
  const assessment = await assessSubmission(db, senderHasher(secret), args);
  return (trx, created) => recordAssessment(trx, created.id, assessment);
}

import { contentHash } from '../approvals/second-person.ts';
import type { Report } from '../db/schema.ts';
import { VULNERABILITY_TYPES } from '../domain/report-input.ts';
import { ValidationError } from '../errors.ts';
import type { ProgramConfig } from '../programs/program-config.ts';

/**
 * TLP 2.0 (FIRST) wording of TLP:AMBER, as the mail states it. AMBER, not
 * AMBER+STRICT: customers may tell their own clients who run the product.
 */
export const TLP_AMBER_TEXT =
  'TLP:AMBER (TLP 2.0): limited disclosure, restricted to your organisation and its clients. ' +
  'You may share this information with members of your own organisation and its clients, but only on a need-to-know basis ' +
  'to protect your organisation and its clients and prevent further harm. Do not publish it.';

/** What an early notice says: public-safe words a lead writes (never exploit details), sealed at rest. */
export interface EarlyNoticeContent {
  /** Product ids of the program. */
  products: string[];
  title: string;
  /** One line, e.g. "Critical (CVSS 3.1 base score 9.8)". */
  severity: string;
  summary: string;
  mitigation: string;
  /** YYYY-MM-DD, or '' when no date is promised. */
  expectedFixDate: string;
}

const SEVERITY_WORDS = { none: 'None', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' } as const;

/**
 * The form's starting point from the report: its product, the team's severity
 * and expected resolution date, and a summary built from the kind of flaw only;
 * the reporter's description and steps (exploit details) are never copied in.
 */
export function prefillEarlyNotice(report: Report, config: Pick<ProgramConfig, 'products'>): EarlyNoticeContent {
  const product = config.products.find((p) => p.id === report.product);
  const kind = VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type)?.[1] ?? 'security';
  const score = report.team_cvss_vector && report.team_cvss_score !== null ? ` (CVSS ${report.team_cvss_vector.slice(5, 8)} base score ${Number(report.team_cvss_score).toFixed(1)})` : '';
  return {
    products: product ? [product.id] : [],
    title: `${kind} vulnerability in ${product?.name ?? 'one of our products'}`,
    severity: report.severity ? `${SEVERITY_WORDS[report.severity]}${score}` : '',
    summary:
      `We are investigating a ${kind.toLowerCase()} vulnerability in ${product?.name ?? 'one of our products'}${report.product_version ? ` (reported against version ${report.product_version})` : ''}. ` +
      'A fix is being prepared. Details will be published in a security advisory when the fix is available.',
    mitigation: '',
    expectedFixDate: report.expected_resolution_date ?? '',
  };
}

const oneLine = (s: string) => !/[\r\n\u0000-\u001f\u007f]/.test(s);

/** Reads and checks the form (or any adapter's input); every problem at once, by field. */
export function parseEarlyNotice(input: Record<string, unknown>, config: Pick<ProgramConfig, 'products'>): EarlyNoticeContent {
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).replace(/\r\n/g, '\n').trim() : '');
  const raw = input.products;
  const products = [...new Set((Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).filter((p): p is string => typeof p === 'string'))];
  const content: EarlyNoticeContent = { products, title: str('title'), severity: str('severity'), summary: str('summary'), mitigation: str('mitigation'), expectedFixDate: str('expectedFixDate') };
  const errors: Record<string, string> = {};
  if (products.length === 0) errors.products = 'Choose the affected products: only their subscribers get the notice.';
  else if (products.some((p) => !config.products.some((c) => c.id === p))) errors.products = 'Choose products of this program.';
  if (!content.title || content.title.length > 200 || !oneLine(content.title)) errors.title = 'Give a title of one line, at most 200 characters, without exploit details.';
  if (content.severity.length > 100 || !oneLine(content.severity)) errors.severity = 'The severity is one line, at most 100 characters.';
  if (!content.summary || content.summary.length > 5000) errors.summary = 'Give a summary (at most 5,000 characters) that helps customers judge their exposure, without exploit details.';
  if (!content.mitigation || content.mitigation.length > 5000) errors.mitigation = 'Say what customers can do until the fix (at most 5,000 characters): the point of an early notice.';
  if (content.expectedFixDate && !validDate(content.expectedFixDate)) errors.expectedFixDate = 'The expected fix date is a date (YYYY-MM-DD), or empty when none is promised.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'The early notice was not sent.');
  return content;
}

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** What a second person approves: the hash of exactly this content. */
export function earlyNoticeHash(content: EarlyNoticeContent): string {
  return contentHash(content);
}

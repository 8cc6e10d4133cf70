import { cvssSeverity, scoreCvss, type CvssScore } from '../domain/cvss-score.ts';
import { severityFromCvssRating } from '../sla/sla-targets.ts';
import { findCwe } from '../triage/cwe.ts';
import type { Advisory, AdvisoryCredit, AdvisoryCvss, AdvisoryCreditRole, AdvisoryProduct, AdvisoryPublisher, AdvisoryReference, AdvisoryRevision } from './advisory.ts';
import { httpUrl } from './output-text.ts';

/**
 * What staff write of an advisory. Scores, CWE names, the publisher and the
 * revision history are derived (toAdvisory), never typed in, so a published
 * advisory cannot disagree with its own vector or the CWE list.
 */
export interface AdvisoryContent {
  title: string;
  summary: string;
  details: string;
  mitigation: string;
  cveId: string | null;
  cweId: number | null;
  cvssVector: string | null;
  products: AdvisoryProduct[];
  credits: AdvisoryCredit[];
  references: AdvisoryReference[];
}

export const CREDIT_ROLES: Readonly<Record<AdvisoryCreditRole, string>> = {
  finder: 'Found the vulnerability',
  reporter: 'Reported it to us',
  coordinator: 'Coordinated the disclosure',
  remediation_developer: 'Developed the fix',
  other: 'Other help',
};

/** How many rows of each repeated part a form may carry; more is a hand-made request. */
const MAX_ROWS = 50;
const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
/** Version strings as vendors write them ("2.4.1", "2024.3-lts"); no spaces or range operators. */
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+~:_-]{0,63}$/;
/** Words that make a version a range in disguise; CSAF's mandatory test 6.1.31 refuses them in a version. */
const RANGE_WORDS = /^(all|any|before|earlier|later|prior|after|since|latest|versions?|every)$/i;
/** A package URL (purl spec): scheme, type, name. */
const PURL = /^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/\S+$/;
const LIMITS = { title: 200, summary: 1000, details: 20_000, mitigation: 5000, name: 200, url: 2000 } as const;

export type ParsedContent = { ok: true; content: AdvisoryContent } | { ok: false; errors: Record<string, string> };

/**
 * Reads the advisory form (flat fields, repeated rows as `product.N.field`)
 * into content, with a message per wrong field. Empty rows are dropped, so the
 * form can always offer a blank row to add one without JavaScript.
 * `publishing` adds what a public advisory must have.
 */
export function parseAdvisoryForm(
  body: Readonly<Record<string, unknown>>,
  products: readonly { id: string; name: string }[],
  options: { publishing: boolean },
): ParsedContent {
  const errors: Record<string, string> = {};
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '').replace(/\r\n/g, '\n').trim();
  const limited = (name: string, max: number) => {
    const v = field(name);
    if (v.length > max) errors[name] = `At most ${max} characters.`;
    return v;
  };

  const title = limited('title', LIMITS.title);
  const summary = limited('summary', LIMITS.summary);
  const details = limited('details', LIMITS.details);
  const mitigation = limited('mitigation', LIMITS.mitigation);

  const cveText = field('cveId').toUpperCase();
  if (cveText && !CVE_ID.test(cveText)) errors.cveId = 'A CVE id looks like CVE-2026-12345.';

  let cweId: number | null = null;
  const cweText = field('cwe');
  if (cweText) {
    const cwe = findCwe(cweText);
    if (!cwe) errors.cwe = 'Not a weakness of the shipped CWE list (e.g. CWE-79).';
    else cweId = cwe.id;
  }

  let cvssVector: string | null = null;
  const vectorText = field('cvssVector');
  if (vectorText) {
    const scored = scoreCvss(vectorText);
    if (!scored.ok) errors.cvssVector = `This CVSS vector is not valid: ${scored.message}`;
    else cvssVector = scored.value.vector;
  }

  const productRows: AdvisoryProduct[] = [];
  for (const n of rowNumbers(body, 'product')) {
    const key = (f: string) => `product.${n}.${f}`;
    const [id, introduced, fixed, ecosystem, pkg, purl] = (['id', 'introduced', 'fixed', 'ecosystem', 'package', 'purl'] as const).map((f) => field(key(f))) as [string, string, string, string, string, string];
    if (![id, introduced, fixed, ecosystem, pkg, purl].some(Boolean)) continue;
    const product = products.find((p) => p.id === id);
    if (!product) {
      errors[key('id')] = 'Choose one of the program’s products.';
      continue;
    }
    for (const [f, v] of [['introduced', introduced], ['fixed', fixed]] as const) {
      if (v && (!VERSION.test(v) || RANGE_WORDS.test(v))) errors[key(f)] = 'One version, e.g. 2.4.1 (letters, digits, . + ~ : _ -), not a range.';
    }
    if ((ecosystem || pkg || purl) && !(ecosystem && pkg)) errors[key('package')] = 'A package needs both its ecosystem and its name.';
    if (purl && !PURL.test(purl)) errors[key('purl')] = 'A package URL looks like pkg:npm/example.';
    if (pkg.length > LIMITS.name || ecosystem.length > 60 || purl.length > LIMITS.url) errors[key('package')] = 'Package coordinates are too long.';
    productRows.push({
      productId: product.id,
      name: product.name,
      introduced: introduced || null,
      fixed: fixed || null,
      package: ecosystem && pkg ? { ecosystem, name: pkg, purl: purl || null } : null,
    });
  }

  const credits: AdvisoryCredit[] = [];
  for (const n of rowNumbers(body, 'credit')) {
    const name = field(`credit.${n}.name`);
    const role = field(`credit.${n}.role`) || 'finder';
    if (!name) continue;
    if (name.length > LIMITS.name) errors[`credit.${n}.name`] = `At most ${LIMITS.name} characters.`;
    if (!(role in CREDIT_ROLES)) errors[`credit.${n}.role`] = 'Choose a role from the list.';
    else credits.push({ name, role: role as AdvisoryCreditRole });
  }

  const references: AdvisoryReference[] = [];
  for (const n of rowNumbers(body, 'reference')) {
    const url = field(`reference.${n}.url`);
    const label = field(`reference.${n}.summary`);
    if (!url && !label) continue;
    if (!httpUrl(url) || url.length > LIMITS.url) errors[`reference.${n}.url`] = 'An http(s) address.';
    if (label.length > LIMITS.name) errors[`reference.${n}.summary`] = `At most ${LIMITS.name} characters.`;
    references.push({ url, summary: label || url });
  }

  if (!title) errors.title = 'An advisory needs a title.';
  if (options.publishing) {
    if (!summary) errors.summary = 'Write a short summary: what is wrong and who should act.';
    if (productRows.length === 0) errors['product.0.id'] = 'Name at least one affected product.';
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, content: { title, summary, details, mitigation, cveId: cveText || null, cweId, cvssVector, products: productRows, credits, references } };
}

/** The row numbers present in a form for a repeated part, in order (`credit.0.name`, `credit.3.role` → 0, 3). */
function rowNumbers(body: Readonly<Record<string, unknown>>, part: string): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${part}\\.(\\d{1,3})\\.`);
  for (const key of Object.keys(body)) {
    const m = pattern.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b).slice(0, MAX_ROWS);
}

/** The form's values for a content, the inverse of parseAdvisoryForm (for editing). */
export function contentToForm(c: AdvisoryContent): Record<string, string> {
  const values: Record<string, string> = {
    title: c.title, summary: c.summary, details: c.details, mitigation: c.mitigation,
    cveId: c.cveId ?? '', cwe: c.cweId === null ? '' : `CWE-${c.cweId}`, cvssVector: c.cvssVector ?? '',
  };
  c.products.forEach((p, i) => Object.assign(values, {
    [`product.${i}.id`]: p.productId, [`product.${i}.introduced`]: p.introduced ?? '', [`product.${i}.fixed`]: p.fixed ?? '',
    [`product.${i}.ecosystem`]: p.package?.ecosystem ?? '', [`product.${i}.package`]: p.package?.name ?? '', [`product.${i}.purl`]: p.package?.purl ?? '',
  }));
  c.credits.forEach((cr, i) => Object.assign(values, { [`credit.${i}.name`]: cr.name, [`credit.${i}.role`]: cr.role }));
  c.references.forEach((r, i) => Object.assign(values, { [`reference.${i}.url`]: r.url, [`reference.${i}.summary`]: r.summary }));
  return values;
}

/** The advisory every output renders, from stored content and what is derived around it. */
export function toAdvisory(args: { publicId: string; content: AdvisoryContent; publisher: AdvisoryPublisher; revisions: readonly AdvisoryRevision[]; draftDate?: string }): Advisory {
  const c = args.content;
  const scored = c.cvssVector ? scoreCvss(c.cvssVector) : null;
  const cwe = c.cweId === null ? undefined : findCwe(c.cweId);
  // A draft has no revision yet; its preview shows the date it would carry.
  const first = args.revisions[0]?.date ?? args.draftDate ?? new Date(0).toISOString();
  const last = args.revisions.at(-1)?.date ?? first;
  return {
    id: args.publicId,
    publisher: args.publisher,
    title: c.title,
    summary: c.summary,
    details: c.details,
    mitigation: c.mitigation,
    cveId: c.cveId,
    cwe: cwe ? { id: cwe.id, name: cwe.name } : null,
    cvss: scored?.ok ? publishedCvss(scored.value) : null,
    products: c.products,
    credits: c.credits,
    references: c.references,
    revisions: [...args.revisions],
    initialReleaseDate: first,
    currentReleaseDate: last,
  };
}

/** Advisories publish the base score for 3.1 (temporal and environmental metrics are each reader's own). */
function publishedCvss(s: CvssScore): AdvisoryCvss {
  const score = s.version === '3.1' ? s.base : s.score;
  return { version: s.version, vector: s.vector, score, severity: severityFromCvssRating(cvssSeverity(score)) };
}

/** The text the near-duplicate spam signal compares submissions with. */
export function advisorySearchText(c: Pick<AdvisoryContent, 'title' | 'summary' | 'details'>): string {
  return `${c.title}\n${c.summary}\n${c.details}`.slice(0, 20_000);
}

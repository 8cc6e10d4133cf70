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
  /**
   * The team's CVSS 3.1 vector. Content saved before 4.0 had its own field may hold a 4.0
   * vector here: read both with contentCvssVectors.
   */
  cvssVector: string | null;
  /** The team's CVSS 4.0 vector; absent in content saved before both could be given. */
  cvssV4Vector?: string | null;
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
/** A CPE: the 2.3 formatted string or the 2.2 URI, exactly as CSAF 2.0's schema accepts them (product_identification_helper.cpe). */
const CPE = /^(cpe:2\.3:[aho*-](:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*-]))(:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){4})|([c][pP][eE]:\/[AHOaho]?(:[A-Za-z0-9._\-~%]*){0,6})$/;
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

  // One vector per CVSS version, each in its own field; the score is computed from each.
  const vectorOf = (name: 'cvssVector' | 'cvssV4Vector', version: '3.1' | '4.0'): string | null => {
    const text = field(name);
    if (!text) return null;
    const scored = scoreCvss(text);
    if (!scored.ok) errors[name] = `This CVSS vector is not valid: ${scored.message}`;
    else if (scored.value.version !== version) errors[name] = `This is a CVSS ${scored.value.version} vector: give it in the CVSS ${scored.value.version} field.`;
    else return scored.value.vector;
    return null;
  };
  const cvssVector = vectorOf('cvssVector', '3.1');
  const cvssV4Vector = vectorOf('cvssV4Vector', '4.0');
  if (options.publishing && cvssV4Vector && !cvssVector && !errors.cvssV4Vector && !errors.cvssVector) {
    // CSAF 2.0, the format scanners and aggregators read, holds CVSS 2.0 and 3.x scores only
    // (cvss_v4 arrives with CSAF 2.1): without the 3.1 vector its products would have no score.
    errors.cvssVector = 'Give the CVSS 3.1 vector too: CSAF 2.0 advisories carry CVSS 3.x scores only, so a 4.0-only advisory would have no score there.';
  }

  const productRows: AdvisoryProduct[] = [];
  for (const n of rowNumbers(body, 'product')) {
    const key = (f: string) => `product.${n}.${f}`;
    // ecosystem and pkg may come from the purl below.
    let [id, introduced, fixed, ecosystem, pkg, purl, cpe] = (['id', 'introduced', 'fixed', 'ecosystem', 'package', 'purl', 'cpe'] as const).map((f) => field(key(f))) as [string, string, string, string, string, string, string];
    if (![id, introduced, fixed, ecosystem, pkg, purl, cpe].some(Boolean)) continue;
    const product = products.find((p) => p.id === id);
    if (!product) {
      errors[key('id')] = 'Choose one of the program’s products.';
      continue;
    }
    for (const [f, v] of [['introduced', introduced], ['fixed', fixed]] as const) {
      if (v && (!VERSION.test(v) || RANGE_WORDS.test(v))) errors[key(f)] = 'One version, e.g. 2.4.1 (letters, digits, . + ~ : _ -), not a range.';
    }
    // A purl alone names the package: its ecosystem and name are read from it.
    const fromPurl = purl && !ecosystem && !pkg && PURL.test(purl) ? purlPackage(purl) : null;
    if (fromPurl) [ecosystem, pkg] = [fromPurl.ecosystem, fromPurl.name];
    if ((ecosystem || pkg || purl) && !(ecosystem && pkg)) errors[key('package')] = 'A package needs both its ecosystem and its name (or a purl).';
    if (purl && !PURL.test(purl)) errors[key('purl')] = 'A package URL looks like pkg:npm/example.';
    if (pkg.length > LIMITS.name || ecosystem.length > 60 || purl.length > LIMITS.url) errors[key('package')] = 'Package coordinates are too long.';
    if (cpe && (cpe.length > LIMITS.url || !CPE.test(cpe))) errors[key('cpe')] = 'A CPE looks like cpe:2.3:h:example:gateway:*:*:*:*:*:*:*:* (or a cpe:/ URI).';
    productRows.push({
      productId: product.id,
      name: product.name,
      introduced: introduced || null,
      fixed: fixed || null,
      package: ecosystem && pkg ? { ecosystem, name: pkg, purl: purl || null } : null,
      ...(cpe ? { cpe } : {}),
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
  return { ok: true, content: { title, summary, details, mitigation, cveId: cveText || null, cweId, cvssVector, cvssV4Vector, products: productRows, credits, references } };
}

/** purl types whose OSV ecosystem is named differently (the purl spec's types, OSV's ecosystem list). */
const PURL_ECOSYSTEMS: Readonly<Record<string, string>> = {
  npm: 'npm', pypi: 'PyPI', maven: 'Maven', golang: 'Go', cargo: 'crates.io', nuget: 'NuGet', gem: 'RubyGems',
  composer: 'Packagist', hex: 'Hex', pub: 'Pub', cran: 'CRAN', hackage: 'Hackage', swift: 'SwiftURL', deb: 'Debian', apk: 'Alpine',
};

/** The ecosystem and package name a purl names ("pkg:npm/%40scope/name@1.0" → npm, "@scope/name"; Maven joins with ":"). */
export function purlPackage(purl: string): { ecosystem: string; name: string } | null {
  const m = /^pkg:([A-Za-z.+-][A-Za-z0-9.+-]*)\/([^?#]+)/.exec(purl);
  if (!m) return null;
  const type = m[1]!.toLowerCase();
  const path = m[2]!.replace(/@[^/]*$/, '').split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  if (path.length === 0) return null;
  const ecosystem = PURL_ECOSYSTEMS[type] ?? type;
  // Debian and Alpine purls carry the distribution as namespace; the package is the last part.
  const name = type === 'maven' ? path.join(':') : type === 'deb' || type === 'apk' ? path.at(-1)! : path.join('/');
  return { ecosystem, name };
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

/**
 * The content's vectors by version. Content saved before both could be given has one vector,
 * of either version, in cvssVector; it is put where its version belongs.
 */
export function contentCvssVectors(c: Pick<AdvisoryContent, 'cvssVector' | 'cvssV4Vector'>): { v31: string | null; v40: string | null } {
  const legacyIs40 = c.cvssVector?.startsWith('CVSS:4.0/') ?? false;
  return { v31: legacyIs40 ? null : c.cvssVector, v40: c.cvssV4Vector ?? (legacyIs40 ? c.cvssVector : null) };
}

/** The content's vector fields for a vector of either version (e.g. the report's), put where it belongs. */
export function cvssVectorFields(vectors: readonly (string | null | undefined)[]): Pick<AdvisoryContent, 'cvssVector' | 'cvssV4Vector'> {
  const given = vectors.filter((v): v is string => Boolean(v));
  return { cvssVector: given.find((v) => !v.startsWith('CVSS:4.0/')) ?? null, cvssV4Vector: given.find((v) => v.startsWith('CVSS:4.0/')) ?? null };
}

/** The form's values for a content, the inverse of parseAdvisoryForm (for editing). */
export function contentToForm(c: AdvisoryContent): Record<string, string> {
  const vectors = contentCvssVectors(c);
  const values: Record<string, string> = {
    title: c.title, summary: c.summary, details: c.details, mitigation: c.mitigation,
    cveId: c.cveId ?? '', cwe: c.cweId === null ? '' : `CWE-${c.cweId}`, cvssVector: vectors.v31 ?? '', cvssV4Vector: vectors.v40 ?? '',
  };
  c.products.forEach((p, i) => Object.assign(values, {
    [`product.${i}.id`]: p.productId, [`product.${i}.introduced`]: p.introduced ?? '', [`product.${i}.fixed`]: p.fixed ?? '',
    [`product.${i}.ecosystem`]: p.package?.ecosystem ?? '', [`product.${i}.package`]: p.package?.name ?? '', [`product.${i}.purl`]: p.package?.purl ?? '',
    [`product.${i}.cpe`]: p.cpe ?? '',
  }));
  c.credits.forEach((cr, i) => Object.assign(values, { [`credit.${i}.name`]: cr.name, [`credit.${i}.role`]: cr.role }));
  c.references.forEach((r, i) => Object.assign(values, { [`reference.${i}.url`]: r.url, [`reference.${i}.summary`]: r.summary }));
  return values;
}

/** The advisory every output renders, from stored content and what is derived around it. */
export function toAdvisory(args: { publicId: string; content: AdvisoryContent; publisher: AdvisoryPublisher; revisions: readonly AdvisoryRevision[]; draftDate?: string }): Advisory {
  const c = args.content;
  const vectors = contentCvssVectors(c);
  const scores = [vectors.v40, vectors.v31].flatMap((v) => {
    const scored = v ? scoreCvss(v) : null;
    return scored?.ok ? [publishedCvss(scored.value)] : [];
  });
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
    cvss: scores[0] ?? null,
    cvssScores: scores,
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

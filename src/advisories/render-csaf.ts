import { definesGroup, parseCvssVector } from '../domain/cvss-metrics.ts';
import { cvssSeverity, requireCvssScore } from '../domain/cvss-score.ts';
import { advisoryCvssScores, advisoryUrls, type Advisory, type AdvisoryCreditRole, type AdvisoryProduct } from './advisory.ts';
import { cvssJsonMetrics } from './cvss-json.ts';
import { csafCanonicalUrl, csafPublisher, type CsafPublisher } from './render-csaf-distribution.ts';

export { csafFileName } from './render-csaf-distribution.ts';

/*
 * CSAF 2.0 (OASIS, profile csaf_security_advisory) for one published advisory.
 * The types cover what Embargo emits, named as in json_schema/csaf_json_schema.json.
 */

export interface CsafNote {
  category: 'description' | 'details' | 'faq' | 'general' | 'legal_disclaimer' | 'other' | 'summary';
  text: string;
  title?: string;
}

export interface CsafReference {
  category: 'external' | 'self';
  summary: string;
  url: string;
}

export interface CsafAcknowledgment {
  names: string[];
  summary: string;
}

export interface CsafProduct {
  name: string;
  product_id: string;
  product_identification_helper?: { cpe?: string; purl?: string };
}

export type CsafBranch =
  | { category: 'vendor' | 'product_name'; name: string; branches: CsafBranch[] }
  | { category: 'product_version' | 'product_version_range'; name: string; product: CsafProduct };

/** FIRST's CVSS v3.1 JSON (referenced_schema/first/cvss-v3.1.json); only metrics the vector gives are set. */
export interface CsafCvssV3 {
  version: '3.1';
  vectorString: string;
  baseScore: number;
  baseSeverity: string;
  temporalScore?: number;
  temporalSeverity?: string;
  environmentalScore?: number;
  environmentalSeverity?: string;
  [metric: string]: string | number | undefined;
}

export interface CsafRemediation {
  category: 'mitigation' | 'no_fix_planned' | 'none_available' | 'vendor_fix' | 'workaround';
  details: string;
  product_ids: string[];
  url?: string;
}

export interface CsafVulnerability {
  cve?: string;
  cwe?: { id: string; name: string };
  notes: CsafNote[];
  product_status: { fixed?: string[]; known_affected: string[] };
  remediations: CsafRemediation[];
  scores?: { cvss_v3: CsafCvssV3; products: string[] }[];
  title: string;
}

export interface CsafDocument {
  document: {
    acknowledgments?: CsafAcknowledgment[];
    aggregate_severity?: { text: string };
    category: 'csaf_security_advisory';
    csaf_version: '2.0';
    distribution: { tlp: { label: 'WHITE'; url: string } };
    lang: 'en';
    notes?: CsafNote[];
    publisher: CsafPublisher;
    references: CsafReference[];
    title: string;
    tracking: {
      current_release_date: string;
      generator: { engine: { name: string } };
      id: string;
      initial_release_date: string;
      revision_history: { date: string; number: string; summary: string }[];
      status: 'final';
      version: string;
    };
  };
  product_tree: { branches: CsafBranch[] };
  vulnerabilities: CsafVulnerability[];
}

/** Thrown for an advisory that cannot be a valid CSAF document (no product, no revision). */
export class CsafRenderError extends Error {
  override readonly name = 'CsafRenderError';
}

/** The cvss_v3 object of a 3.1 vector; scores are computed from the vector so they always agree with it (CSAF tests 6.1.9, 6.1.10). */
export function csafCvssV3(vector: string): CsafCvssV3 {
  const score = requireCvssScore(vector);
  const parsed = parseCvssVector(vector);
  if (score.version !== '3.1' || !parsed.ok) throw new CsafRenderError(`Not a CVSS 3.1 vector: ${vector}`);
  const out: CsafCvssV3 = { version: '3.1', vectorString: score.vector, baseScore: score.base, baseSeverity: cvssSeverity(score.base).toUpperCase() };
  Object.assign(out, cvssJsonMetrics('3.1', parsed.metrics));
  // Scores of groups the vector leaves undefined are omitted rather than restated as the base.
  if (definesGroup('3.1', parsed.metrics, 'temporal')) Object.assign(out, { temporalScore: score.temporal, temporalSeverity: cvssSeverity(score.temporal).toUpperCase() });
  if (definesGroup('3.1', parsed.metrics, 'environmental')) Object.assign(out, { environmentalScore: score.environmental, environmentalSeverity: cvssSeverity(score.environmental).toUpperCase() });
  return out;
}

/** Percent-encodes what vers reserves (|, <, >, =, !, *, %, spaces…) in a version string. */
function versVersion(v: string): string {
  return Array.from(v, (ch) => (/[A-Za-z0-9.\-_~+:]/.test(ch) ? ch : encodeURIComponent(ch))).join('');
}

/** The affected range "introduced ≤ v < fixed" as a canonical vers; CSAF requires exactly `vers:all/*` for all versions. */
export function csafVersionRange(p: Pick<AdvisoryProduct, 'introduced' | 'fixed'>): string {
  const constraints = [p.introduced !== null ? `>=${versVersion(p.introduced)}` : null, p.fixed !== null ? `<${versVersion(p.fixed)}` : null].filter((c) => c !== null);
  return constraints.length === 0 ? 'vers:all/*' : `vers:generic/${constraints.join('|')}`;
}

const PURL = /^pkg:[A-Za-z.\-+][A-Za-z0-9.\-+]*\/\S+$/;

/** The package's purl pinned to a version (or to none), keeping qualifiers and subpath; null when not a usable purl. */
function purlAt(purl: string, version: string | null): string | null {
  if (!PURL.test(purl)) return null;
  const [withoutSubpath = '', subpath] = purl.split('#', 2);
  const [coordinates = '', qualifiers] = withoutSubpath.split('?', 2);
  // The version follows an "@" after the last "/" (an "@" before it belongs to an unencoded npm scope).
  const at = coordinates.indexOf('@', coordinates.lastIndexOf('/'));
  const name = at === -1 ? coordinates : coordinates.slice(0, at);
  return `${name}${version === null ? '' : `@${encodeURIComponent(version)}`}${qualifiers === undefined ? '' : `?${qualifiers}`}${subpath === undefined ? '' : `#${subpath}`}`;
}

/** CPE 2.3 formatted-string escaping of one attribute value: everything but letters, digits, "-", "." and "_" is quoted. */
function cpeValue(v: string): string {
  return v.replace(/[^A-Za-z0-9\-._]/g, '\\$&');
}

/**
 * The product's CPE with its version attribute set: the fixed version for the fixed product,
 * "*" (any) for the affected range, which a CPE cannot express. A 2.2 URI is kept as given.
 */
export function cpeAt(cpe: string, version: string | null): string {
  if (!cpe.startsWith('cpe:2.3:')) return cpe;
  // Split on the ":" that are not quoted by a backslash.
  const parts: string[] = [''];
  for (let i = 0; i < cpe.length; i++) {
    const ch = cpe.charAt(i);
    if (ch === ':') parts.push('');
    else parts[parts.length - 1] += ch === '\\' ? ch + cpe.charAt(++i) : ch;
  }
  if (parts.length !== 13) return cpe;
  parts[5] = version === null ? '*' : cpeValue(version);
  return parts.join(':');
}

function leaf(p: AdvisoryProduct, id: string, name: string, version: string | null): CsafProduct {
  const purl = p.package?.purl ? purlAt(p.package.purl, version) : null;
  const cpe = p.cpe ? cpeAt(p.cpe, version) : null;
  const helper = { ...(cpe ? { cpe } : {}), ...(purl ? { purl } : {}) };
  return { name, product_id: id, ...(cpe || purl ? { product_identification_helper: helper } : {}) };
}

function rangeLabel(p: AdvisoryProduct): string {
  if (p.introduced !== null && p.fixed !== null) return `${p.name} >=${p.introduced} <${p.fixed}`;
  if (p.fixed !== null) return `${p.name} <${p.fixed}`;
  if (p.introduced !== null) return `${p.name} >=${p.introduced}`;
  return `${p.name} (all versions)`;
}

interface ProductIds {
  affected: string;
  fixed: string | null;
}

/** Product ids are derived from the config's product id and the versions, so they are stable across revisions. */
function productIds(p: AdvisoryProduct): ProductIds {
  return { affected: `${p.productId}:${csafVersionRange(p)}`, fixed: p.fixed === null ? null : `${p.productId}:${p.fixed}` };
}

/** vendor → product_name → (product_version_range for the affected range, product_version for the fix). */
function productTree(a: Advisory): CsafBranch[] {
  const byProduct = new Map<string, { name: string; leaves: Map<string, CsafBranch> }>();
  for (const p of a.products) {
    // One product may be listed once per release line (1.x and 2.x); it gets one product_name branch.
    const entry = byProduct.get(p.productId) ?? { name: p.name, leaves: new Map<string, CsafBranch>() };
    byProduct.set(p.productId, entry);
    const ids = productIds(p);
    entry.leaves.set(ids.affected, { category: 'product_version_range', name: csafVersionRange(p), product: leaf(p, ids.affected, rangeLabel(p), null) });
    if (ids.fixed !== null && p.fixed !== null) {
      entry.leaves.set(ids.fixed, { category: 'product_version', name: p.fixed, product: leaf(p, ids.fixed, `${p.name} ${p.fixed}`, p.fixed) });
    }
  }
  const products = [...byProduct.values()].map((e): CsafBranch => ({ category: 'product_name', name: e.name, branches: [...e.leaves.values()] }));
  return [{ category: 'vendor', name: a.publisher.name, branches: products }];
}

const ROLE_SUMMARY: Record<AdvisoryCreditRole, string> = {
  finder: 'Found the vulnerability.',
  reporter: 'Reported the vulnerability.',
  coordinator: 'Coordinated the disclosure.',
  remediation_developer: 'Developed the fix.',
  other: 'Contributed to this advisory.',
};

/** One acknowledgment per role, in the order the roles first appear; names exactly as the people chose them. */
function acknowledgments(a: Advisory): CsafAcknowledgment[] {
  const byRole = new Map<AdvisoryCreditRole, string[]>();
  for (const c of a.credits) {
    if (c.name.trim() === '') continue;
    byRole.set(c.role, [...(byRole.get(c.role) ?? []), c.name]);
  }
  return [...byRole].map(([role, names]) => ({ names, summary: ROLE_SUMMARY[role] }));
}

function remediations(a: Advisory): CsafRemediation[] {
  const out: CsafRemediation[] = [];
  const seen = new Set<string>();
  for (const p of a.products) {
    const { affected } = productIds(p);
    if (seen.has(affected)) continue;
    seen.add(affected);
    out.push(
      p.fixed !== null
        ? { category: 'vendor_fix', details: `Update ${p.name} to version ${p.fixed} or later.`, product_ids: [affected], url: advisoryUrls(a).html }
        : { category: 'none_available', details: `No fixed version of ${p.name} is available yet.`, product_ids: [affected] },
    );
  }
  if (a.mitigation.trim() !== '') out.push({ category: 'mitigation', details: a.mitigation, product_ids: [...seen] });
  return out;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function vulnerability(a: Advisory): CsafVulnerability {
  const affected = [...new Set(a.products.map((p) => productIds(p).affected))];
  const fixed = [...new Set(a.products.flatMap((p) => productIds(p).fixed ?? []))];
  const notes: CsafNote[] = [{ category: 'description', title: 'Vulnerability description', text: a.summary.trim() !== '' ? a.summary : a.title }];
  const scores = advisoryCvssScores(a);
  const v4 = scores.find((s) => s.version === '4.0');
  const v31 = scores.find((s) => s.version === '3.1');
  if (v4) {
    // CSAF 2.0 has no cvss_v4 score (it arrives with CSAF 2.1), and a 4.0 vector is not valid in
    // cvss_v3, so the 4.0 score travels as a note rather than being dropped; the 3.1 vector the
    // editor asks for alongside it is the score (optional test 6.2.3).
    notes.push({ category: 'other', title: 'CVSS 4.0', text: `${v4.vector} (score ${v4.score.toFixed(1)}, ${capitalise(v4.severity)})` });
  }
  return {
    ...(a.cveId ? { cve: a.cveId } : {}),
    ...(a.cwe ? { cwe: { id: `CWE-${a.cwe.id}`, name: a.cwe.name } } : {}),
    notes,
    product_status: { known_affected: affected, ...(fixed.length > 0 ? { fixed } : {}) },
    remediations: remediations(a),
    ...(v31 ? { scores: [{ cvss_v3: csafCvssV3(v31.vector), products: affected }] } : {}),
    title: a.title,
  };
}

/** Deep copy with object keys in code-point order and undefined members dropped, as optional CSAF test 6.2.13 expects. */
function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)])) as T;
}

/**
 * The advisory as a CSAF 2.0 security advisory. Deterministic: a function of the
 * advisory alone. Throws CsafRenderError for an advisory without products or
 * revisions (CSAF needs both), and InvalidCvssVectorError for an invalid 3.1 vector.
 */
export function renderCsaf(a: Advisory): CsafDocument {
  if (a.products.length === 0) throw new CsafRenderError(`Advisory ${a.id} lists no product; a CSAF advisory needs at least one.`);
  if (a.revisions.length === 0) throw new CsafRenderError(`Advisory ${a.id} has no revision; a CSAF advisory needs at least one.`);
  const urls = advisoryUrls(a);
  const revisions = [...a.revisions].sort((x, y) => x.number - y.number);
  const notes: CsafNote[] = [
    ...(a.summary.trim() !== '' ? [{ category: 'summary' as const, title: 'Summary', text: a.summary }] : []),
    ...(a.details.trim() !== '' ? [{ category: 'details' as const, title: 'Details', text: a.details }] : []),
  ];
  const credits = acknowledgments(a);
  const doc: CsafDocument = {
    document: {
      ...(credits.length > 0 ? { acknowledgments: credits } : {}),
      ...(a.cvss ? { aggregate_severity: { text: capitalise(a.cvss.severity) } } : {}),
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      // Published advisories are public; CSAF 2.0 predates TLP 2.0, so public is TLP 1.0 WHITE.
      distribution: { tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } },
      lang: 'en',
      ...(notes.length > 0 ? { notes } : {}),
      publisher: csafPublisher(a.publisher),
      references: [
        // The canonical URL is the copy in the /.well-known/csaf/ directory: its file name follows
        // §5.1, which the advisory page's .json URL (upper-case id) does not (optional test 6.2.11).
        { category: 'self', summary: 'Canonical URL of this CSAF document', url: csafCanonicalUrl(a) },
        { category: 'self', summary: `Advisory ${a.id}`, url: urls.html },
        { category: 'self', summary: `Advisory ${a.id} (CSAF)`, url: urls.csaf },
        ...a.references.map((r) => ({ category: 'external' as const, summary: r.summary.trim() !== '' ? r.summary : r.url, url: r.url })),
      ],
      title: a.title,
      tracking: {
        current_release_date: a.currentReleaseDate,
        generator: { engine: { name: 'Embargo' } },
        id: a.id,
        initial_release_date: a.initialReleaseDate,
        revision_history: revisions.map((r) => ({ date: r.date, number: String(r.number), summary: r.summary.trim() !== '' ? r.summary : `Revision ${r.number}` })),
        status: 'final',
        // The newest revision's number, which is the count of revisions while they are numbered 1, 2, 3…
        // (test 6.1.16 ties the version to the newest entry of the history).
        version: String(revisions[revisions.length - 1]!.number),
      },
    },
    product_tree: { branches: productTree(a) },
    vulnerabilities: [vulnerability(a)],
  };
  return sortedKeys(doc);
}

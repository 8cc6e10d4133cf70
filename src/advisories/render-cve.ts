import MarkdownIt, { type Token } from 'markdown-it';
import { CVSS_METRICS, definesGroup, parseCvssVector } from '../domain/cvss-metrics.ts';
import { InvalidCvssVectorError, requireCvssScore } from '../domain/cvss-score.ts';
import { advisoryCvssScores, advisoryUrls, type Advisory, type AdvisoryCreditRole, type AdvisoryCvss } from './advisory.ts';
import { cvssJsonMetrics } from './cvss-json.ts';
import { httpUrl, oneLine, uniqueBy, utc, withoutControls } from './output-text.ts';

/** A CVE record names its CVE id; an advisory without one has no CVE record to render. */
export class AdvisoryWithoutCveError extends Error {
  override readonly name = 'AdvisoryWithoutCveError';
  readonly code = 'advisory_without_cve';
  constructor(readonly advisoryId: string) {
    super(`Advisory ${advisoryId} has no CVE id, so it has no CVE record. Assign a CVE id first.`);
  }
}

export interface CveRenderOptions {
  /** The CNA's organisation UUID in the CVE program. */
  orgId: string;
  /** When the CNA container last changed; the advisory's current release date by default. */
  dateUpdated?: string;
}

export type CveSeverity = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type CveCreditType = 'finder' | 'reporter' | 'coordinator' | 'remediation developer' | 'other';

export interface CveDescription {
  lang: 'en';
  /** Plain text, at most 4096 characters. */
  value: string;
}

/** "version ≤ v < lessThan"; lessThan "*" means no upper bound (no fix yet). */
export interface CveVersionRange {
  version: string;
  status: 'affected';
  versionType: 'custom';
  lessThan: string;
}

export interface CveProduct {
  vendor: string;
  product: string;
  defaultStatus: 'unaffected';
  versions: CveVersionRange[];
}

interface CvssCommon {
  vectorString: string;
  baseScore: number;
  baseSeverity: CveSeverity;
}
/** The required properties plus every metric of the vector, named as the CVSS JSON schemas name them. */
export type CveCvssV31 = CvssCommon & { version: '3.1' } & Record<string, string | number>;
export type CveCvssV40 = CvssCommon & { version: '4.0' } & Record<string, string | number>;

export interface CveMetric {
  format: 'CVSS';
  scenarios: [{ lang: 'en'; value: 'GENERAL' }];
  cvssV3_1?: CveCvssV31;
  cvssV4_0?: CveCvssV40;
}

export interface CveCnaContainer {
  providerMetadata: { orgId: string; dateUpdated: string };
  title: string;
  datePublic: string;
  descriptions: CveDescription[];
  affected: CveProduct[];
  problemTypes?: { descriptions: { lang: 'en'; type: 'CWE'; cweId: string; description: string }[] }[];
  metrics?: CveMetric[];
  workarounds?: CveDescription[];
  solutions?: CveDescription[];
  credits?: { lang: 'en'; value: string; type: CveCreditType }[];
  references: { url: string; name?: string; tags?: ['vendor-advisory'] }[];
  /** Which tool wrote the container (CVE's convention for x_ properties). */
  x_generator?: { engine: string };
}

export interface CveRecord {
  dataType: 'CVE_RECORD';
  dataVersion: '5.1';
  cveMetadata: { cveId: string; assignerOrgId: string; state: 'PUBLISHED'; datePublished: string; dateUpdated: string };
  containers: { cna: CveCnaContainer };
}

const CREDIT_TYPES: Readonly<Record<AdvisoryCreditRole, CveCreditType>> = {
  finder: 'finder',
  reporter: 'reporter',
  coordinator: 'coordinator',
  remediation_developer: 'remediation developer',
  other: 'other',
};

/** Schema limits (CVE JSON 5.1) that advisory text can exceed. */
const MAX = { text: 4096, title: 256, vendor: 512, product: 2048, referenceName: 512, references: 512 } as const;

/**
 * The CNA container of the advisory's CVE record, as CVE Services take it
 * (the API body wraps it: `{ cnaContainer }`). Throws AdvisoryWithoutCveError
 * when the advisory has no CVE id.
 */
export function renderCveCnaContainer(a: Advisory, opts: CveRenderOptions): CveCnaContainer {
  if (!a.cveId) throw new AdvisoryWithoutCveError(a.id);
  return { providerMetadata: { orgId: opts.orgId, dateUpdated: utc(opts.dateUpdated ?? a.currentReleaseDate) }, ...cnaContent(a) };
}

/** Everything of the CNA container but providerMetadata (which names the CNA that publishes it). */
function cnaContent(a: Advisory): Omit<CveCnaContainer, 'providerMetadata'> {
  const urls = advisoryUrls(a);
  const container: Omit<CveCnaContainer, 'providerMetadata'> = {
    title: clip(oneLine(a.title), MAX.title),
    datePublic: utc(a.initialReleaseDate),
    descriptions: [{ lang: 'en', value: longText([a.summary.trim(), markdownToPlain(a.details)], urls.html) || clip(oneLine(a.title), MAX.text) }],
    affected: cveAffected(a),
    references: uniqueBy(
      [
        { url: urls.html, name: clip(oneLine(`${a.id}: ${a.title}`), MAX.referenceName), tags: ['vendor-advisory'] as ['vendor-advisory'] },
        ...a.references.flatMap((r) => {
          const url = httpUrl(r.url);
          const name = clip(oneLine(r.summary), MAX.referenceName);
          return url ? [name ? { url, name } : { url }] : [];
        }),
      ],
      (r) => r.url,
    ).slice(0, MAX.references),
  };
  if (a.cwe) {
    const cweId = `CWE-${a.cwe.id}`;
    container.problemTypes = [{ descriptions: [{ lang: 'en', type: 'CWE', cweId, description: clip(`${cweId}: ${a.cwe.name}`, MAX.text) }] }];
  }
  // Every score the team gave: CVE 5.1 takes one metrics entry per CVSS version.
  const scores = advisoryCvssScores(a);
  if (scores.length > 0) container.metrics = scores.map(cveMetric);
  const mitigation = longText([markdownToPlain(a.mitigation)], urls.html);
  if (mitigation) container.workarounds = [{ lang: 'en', value: mitigation }];
  const fixes = a.products.filter((p) => p.fixed).map((p) => `Update ${oneLine(p.name)} to ${p.fixed} or later.`);
  if (fixes.length > 0) container.solutions = [{ lang: 'en', value: longText([uniqueBy(fixes, (f) => f).join('\n')], urls.html) }];
  const credits = uniqueBy(
    a.credits.filter((c) => oneLine(c.name)).map((c) => ({ lang: 'en' as const, value: clip(oneLine(c.name), MAX.text), type: CREDIT_TYPES[c.role] })),
    (c) => `${c.type} ${c.value}`,
  );
  if (credits.length > 0) container.credits = credits;
  container.x_generator = { engine: 'Embargo' };
  return container;
}

/**
 * A filled-in CVE request for a vendor that is not a CNA: what it sends to a CNA (a CNA of
 * last resort, or its platform's) to get an id. `container` is the CNA container the CNA
 * would publish, all but its providerMetadata (the CNA's own org id, which only it knows);
 * `text` the same as the fields a CNA's request form asks for. Once the id is assigned, the
 * team enters it in the editor and it flows into every format.
 */
export function renderCveRequest(a: Advisory, options: { published: boolean }): { container: Omit<CveCnaContainer, 'providerMetadata'>; text: string } {
  const container = cnaContent(a);
  const urls = advisoryUrls(a);
  const versions = (p: Advisory['products'][number]) =>
    p.introduced && p.fixed ? `${p.introduced} up to, not including, ${p.fixed} (fixed in ${p.fixed})`
      : p.fixed ? `before ${p.fixed} (fixed in ${p.fixed})`
        : p.introduced ? `${p.introduced} and later (no fix released yet)` : 'all versions (no fix released yet)';
  const scores = advisoryCvssScores(a);
  const lines = [
    `CVE request for ${a.id}: ${oneLine(a.title)}`,
    '',
    `Requester / vendor: ${oneLine(a.publisher.name)} (${a.publisher.contactEmail}), the vendor of the affected products`,
    'Vendor confirmed or acknowledged: yes (the vendor requests it)',
    `Vulnerability type: ${a.cwe ? `CWE-${a.cwe.id}: ${a.cwe.name}` : 'not classified'}`,
    '',
    'Affected products and versions:',
    ...a.products.map((p) => `- ${oneLine(p.name)}: ${versions(p)}${p.cpe ? ` [${p.cpe}]` : ''}${p.package?.purl ? ` [${p.package.purl}]` : ''}`),
    '',
    `Severity: ${scores.length ? scores.map((c) => `CVSS ${c.version} ${c.score.toFixed(1)} (${c.severity}) ${c.vector}`).join('; ') : 'not scored'}`,
    '',
    'Suggested description:',
    container.descriptions[0]!.value,
    ...(container.workarounds ? ['', 'Workarounds:', container.workarounds[0]!.value] : []),
    ...(container.credits ? ['', 'Discoverer / credits:', ...container.credits.map((c) => `- ${c.value} (${c.type})`)] : []),
    '',
    'References:',
    ...(options.published ? [`- ${urls.html} (vendor advisory)`] : [`- ${urls.html} (vendor advisory, public once published)`]),
    ...a.references.flatMap((r) => (httpUrl(r.url) ? [`- ${httpUrl(r.url)}`] : [])),
    '',
    `Publication: ${options.published ? `published ${a.initialReleaseDate.slice(0, 10)}` : 'not yet public; please keep it embargoed until the advisory is published'}`,
    '',
    'The CNA container (CVE JSON 5.1) of this record, all but providerMetadata, is attached as JSON.',
  ];
  return { container, text: `${lines.join('\n')}\n` };
}

/** The advisory's full CVE JSON 5.1 record in the PUBLISHED state. Throws AdvisoryWithoutCveError when it has no CVE id. */
export function renderCveRecord(a: Advisory, opts: CveRenderOptions): CveRecord {
  if (!a.cveId) throw new AdvisoryWithoutCveError(a.id);
  const cna = renderCveCnaContainer(a, opts);
  return {
    dataType: 'CVE_RECORD',
    dataVersion: '5.1',
    cveMetadata: {
      cveId: a.cveId,
      assignerOrgId: opts.orgId,
      state: 'PUBLISHED',
      datePublished: utc(a.initialReleaseDate),
      dateUpdated: cna.providerMetadata.dateUpdated,
    },
    containers: { cna },
  };
}

/**
 * One entry per product with a range per advisory row. Versions outside every
 * range are unaffected (defaultStatus); a row without a fix is open-ended,
 * `lessThan: "*"`, which the schema defines as "an arbitrarily large version".
 * The versions are the vendor's own strings, so their ordering is "custom".
 */
function cveAffected(a: Advisory): CveProduct[] {
  const byProduct = new Map<string, CveProduct>();
  for (const p of a.products) {
    let entry = byProduct.get(p.productId);
    if (!entry) {
      entry = {
        vendor: clip(oneLine(a.publisher.name), MAX.vendor) || 'N/A',
        product: clip(oneLine(p.name), MAX.product) || p.productId,
        defaultStatus: 'unaffected',
        versions: [],
      };
      byProduct.set(p.productId, entry);
    }
    const range: CveVersionRange = { version: p.introduced ?? '0', status: 'affected', versionType: 'custom', lessThan: p.fixed ?? '*' };
    if (!entry.versions.some((v) => v.version === range.version && v.lessThan === range.lessThan)) entry.versions.push(range);
  }
  return [...byProduct.values()];
}

/**
 * The team's score as a CVSS metrics object: the vector restated property by
 * property, score and severity as the advisory has them. One exception: a 4.0
 * vector with threat or environmental metrics carries a CVSS-BT/BE/BTE score,
 * while `baseScore` must be the base score and CVE 5.1 has no field for the
 * others, so the base score is taken from the vector's base metrics.
 */
function cveMetric(cvss: AdvisoryCvss): CveMetric {
  const parsed = parseCvssVector(cvss.vector);
  if (!parsed.ok) throw new InvalidCvssVectorError(parsed.message);
  const decoded = cvssJsonMetrics(parsed.version, parsed.metrics);
  let score = cvss.score;
  let severity = cvss.severity.toUpperCase() as CveSeverity;
  if (parsed.version === '4.0' && (definesGroup('4.0', parsed.metrics, 'threat') || definesGroup('4.0', parsed.metrics, 'environmental'))) {
    const baseVector = ['CVSS:4.0', ...CVSS_METRICS['4.0'].filter((s) => s.group === 'base').map((s) => `${s.key}:${parsed.metrics.get(s.key)}`)].join('/');
    const base = requireCvssScore(baseVector);
    score = base.score;
    severity = base.severity.toUpperCase() as CveSeverity;
  }
  // The schemas list scores as exact tenths; a float artefact (8.700000001) would not match.
  const common = { vectorString: parsed.canonical, baseScore: Math.round(score * 10) / 10, baseSeverity: severity };
  const metric: CveMetric = { format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }] };
  if (parsed.version === '3.1') metric.cvssV3_1 = { version: '3.1', ...common, ...decoded };
  else metric.cvssV4_0 = { version: '4.0', ...common, ...decoded };
  return metric;
}

// Raw HTML stays text (html: false), as everywhere advisories are rendered.
const md = new MarkdownIt({ html: false, linkify: false });

/**
 * Markdown as readable plain text: markup dropped, code kept verbatim, list
 * items on their own lines, link targets after their text. CVE descriptions
 * are plain text first; consumers show `value`.
 */
export function markdownToPlain(source: string): string {
  const out: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  for (const token of md.parse(source, {})) {
    switch (token.type) {
      case 'inline':
        out.push(inlineText(token.children ?? []));
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: token.type === 'ordered_list_open', next: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        out.push(lists.length === 0 ? '\n' : '');
        break;
      case 'list_item_open': {
        const list = lists.at(-1);
        const marker = list?.ordered ? `${list.next++}. ` : '- ';
        out.push('  '.repeat(Math.max(0, lists.length - 1)) + marker);
        break;
      }
      case 'paragraph_close':
        out.push(token.hidden ? '\n' : '\n\n');
        break;
      case 'heading_close':
        out.push('\n\n');
        break;
      case 'fence':
      case 'code_block':
        out.push(`${token.content.replace(/\n+$/, '')}\n\n`);
        break;
      case 'th_close':
      case 'td_close':
        out.push('\t');
        break;
      case 'tr_close':
        out.push('\n');
        break;
      case 'table_close':
        out.push('\n');
        break;
    }
  }
  return out.join('').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function inlineText(children: readonly Token[]): string {
  let text = '';
  const links: { href: string; start: number }[] = [];
  for (const t of children) {
    if (t.type === 'text' || t.type === 'code_inline') text += t.content;
    else if (t.type === 'softbreak' || t.type === 'hardbreak') text += '\n';
    else if (t.type === 'image') text += t.content;
    else if (t.type === 'link_open') links.push({ href: String(t.attrGet('href') ?? ''), start: text.length });
    else if (t.type === 'link_close') {
      const link = links.pop();
      // "[the release notes](https://…)" keeps its target; a bare URL is not repeated.
      if (link?.href && text.slice(link.start) !== link.href) text += ` (${link.href})`;
    }
  }
  return text;
}

/**
 * Joins plain-text parts and keeps them within the schema's 4096 characters;
 * what is cut is replaced by a pointer to the full advisory.
 */
function longText(parts: readonly string[], fullTextUrl: string): string {
  const text = parts.map((p) => withoutControls(p).trim()).filter(Boolean).join('\n\n');
  if (text.length <= MAX.text) return text;
  const note = `… (continued in the full advisory: ${fullTextUrl})`;
  const room = MAX.text - note.length;
  const cut = text.slice(0, room);
  const lastSpace = cut.search(/\s\S*$/);
  return `${(lastSpace > room / 2 ? cut.slice(0, lastSpace) : clip(cut, room)).trimEnd()}${note}`;
}

/** At most `max` characters, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}


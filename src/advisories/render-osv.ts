import { parseCvssVector } from '../domain/cvss-metrics.ts';
import { InvalidCvssVectorError } from '../domain/cvss-score.ts';
import type { Severity } from '../db/schema.ts';
import { advisoryCvssScores, advisoryUrls, type Advisory, type AdvisoryCreditRole, type AdvisoryProduct } from './advisory.ts';
import { httpUrl, oneLine, uniqueBy, utc, withoutControls } from './output-text.ts';

/**
 * The OSV schema version the records claim. Every field used here exists since
 * 1.6.2 (CVSS_V4); 1.7.4 is the specification the renderer was checked against.
 */
export const OSV_SCHEMA_VERSION = '1.7.4';

/**
 * OSV ids are "<DB>-<ENTRYID>" with DB a prefix registered in the OSV schema.
 * Every Embargo instance is a different vendor, so no shared prefix can be
 * registered for all of them; the schema reserves `x_` for databases without
 * one, so "EMB-SA-2026-0007" is published as "x_EMB-SA-2026-0007".
 */
export const OSV_ID_PREFIX = 'x_';

/**
 * The ecosystems the OSV schema defines (its `ecosystemName` list). A package
 * in any other ecosystem cannot be named in `affected`, so such a product
 * appears only in the details text.
 */
export const OSV_ECOSYSTEMS: readonly string[] = [
  'AlmaLinux', 'Alpaquita', 'Alpine', 'Android', 'Azure Linux', 'BellSoft Hardened Containers', 'Bioconductor', 'Bitnami',
  'Chainguard', 'CleanStart', 'ConanCenter', 'CRAN', 'crates.io', 'Debian', 'Docker Hardened Images', 'Echo', 'FreeBSD', 'GHC',
  'GitHub Actions', 'Go', 'Hackage', 'Hex', 'Julia', 'Kubernetes', 'Linux', 'Mageia', 'Maven', 'MinimOS', 'npm', 'NuGet', 'opam',
  'openEuler', 'openSUSE', 'OSS-Fuzz', 'Packagist', 'Photon OS', 'Pub', 'PyPI', 'Red Hat', 'Rocky Linux', 'Root', 'RubyGems',
  'SUSE', 'SwiftURL', 'TuxCare', 'Ubuntu', 'VSCode', 'Wolfi',
];

export type OsvCreditType = 'FINDER' | 'REPORTER' | 'COORDINATOR' | 'REMEDIATION_DEVELOPER' | 'OTHER';
/** GitHub's advisory database wording, which OSV consumers already read in `database_specific`. */
export type OsvGithubSeverity = 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';

export interface OsvRecord {
  schema_version: string;
  id: string;
  /** RFC 3339 UTC. */
  modified: string;
  published: string;
  aliases?: string[];
  /** One plain-text line. */
  summary: string;
  /** CommonMark. */
  details: string;
  severity?: { type: 'CVSS_V3' | 'CVSS_V4'; score: string }[];
  affected: OsvAffected[];
  references: { type: 'ADVISORY' | 'WEB'; url: string }[];
  credits?: { name: string; type: OsvCreditType }[];
  database_specific: { cwe_ids: string[]; severity?: OsvGithubSeverity };
}

export interface OsvAffected {
  /** Absent for a product that is not a package of an OSV ecosystem (appliance, SaaS, firmware). */
  package?: { ecosystem: string; name: string; purl?: string };
  ranges: { type: 'ECOSYSTEM'; events: ({ introduced: string } | { fixed: string })[] }[];
  /** For a product without an OSV package: which product the ranges are of. */
  database_specific?: { product: OsvProductInfo };
}

/** The product an entry without a package is about, in the entry's database_specific. */
export interface OsvProductInfo {
  /** The program's product id ("gateway"), stable across advisories. */
  id: string;
  name: string;
  vendor: string;
  /** The CPE the team gave, so CPE-based tools can still match it. */
  cpe?: string;
  /** Package coordinates in an ecosystem OSV does not define (e.g. Homebrew). */
  package?: { ecosystem: string; name: string; purl?: string };
  /** The vendor's versions are ordered as the vendor releases them (no ecosystem defines them). */
  version_scheme: 'vendor';
}

const CREDIT_TYPES: Readonly<Record<AdvisoryCreditRole, OsvCreditType>> = {
  finder: 'FINDER',
  reporter: 'REPORTER',
  coordinator: 'COORDINATOR',
  remediation_developer: 'REMEDIATION_DEVELOPER',
  other: 'OTHER',
};

const GITHUB_SEVERITY: Readonly<Record<Severity, OsvGithubSeverity | undefined>> = {
  none: undefined,
  low: 'LOW',
  medium: 'MODERATE',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** The advisory as an OSV record (https://ossf.github.io/osv-schema/). */
export function renderOsv(a: Advisory): OsvRecord {
  const urls = advisoryUrls(a);
  const credits = uniqueBy(
    a.credits.filter((c) => oneLine(c.name)).map((c) => ({ name: oneLine(c.name), type: CREDIT_TYPES[c.role] })),
    (c) => `${c.type} ${c.name}`,
  );
  const severity = a.cvss ? GITHUB_SEVERITY[a.cvss.severity] : undefined;
  // Fields in the specification's order, so the published JSON reads like its examples.
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: `${OSV_ID_PREFIX}${a.id}`,
    modified: utc(a.currentReleaseDate),
    published: utc(a.initialReleaseDate),
    ...(a.cveId ? { aliases: [a.cveId] } : {}),
    summary: oneLine(a.title),
    details: osvDetails(a),
    // Every score the team gave, one per type (OSV allows each type once).
    ...(advisoryCvssScores(a).length > 0 ? { severity: advisoryCvssScores(a).map((c) => ({ type: c.version === '3.1' ? ('CVSS_V3' as const) : ('CVSS_V4' as const), score: canonicalVector(c.vector) })) } : {}),
    affected: osvAffected(a.products, a.publisher.name),
    references: uniqueBy(
      [
        { type: 'ADVISORY' as const, url: urls.html },
        ...a.references.flatMap((r) => {
          const url = httpUrl(r.url);
          return url ? [{ type: 'WEB' as const, url }] : [];
        }),
      ],
      (r) => r.url,
    ),
    ...(credits.length > 0 ? { credits } : {}),
    database_specific: { cwe_ids: a.cwe ? [`CWE-${a.cwe.id}`] : [], ...(severity ? { severity } : {}) },
  };
}

/** Whether OSV can name a package of this ecosystem; returns the schema's spelling ("pypi" → "PyPI"), keeping a ":suffix". */
export function osvEcosystem(ecosystem: string): string | null {
  const [base = '', ...suffix] = ecosystem.trim().split(':');
  const known = OSV_ECOSYSTEMS.find((e) => e.toLowerCase() === base.toLowerCase());
  if (!known) return null;
  if (suffix.length > 0 && suffix.join(':') === '') return null;
  return [known, ...suffix].join(':');
}

/**
 * One entry per package (OSV asks for exactly one), with a range per advisory
 * row so separate branches ("1.x fixed in 1.9.3", "2.x fixed in 2.4.1") stay separate.
 * A product that is not a package of an OSV ecosystem (an appliance, a SaaS, firmware)
 * still gets an entry: no `package`, its ranges in the vendor's versions, and
 * `database_specific.product` naming the product (and its CPE when the team gave one).
 * Package-based scanners pass over such entries; readers and CPE-based tools do not.
 */
function osvAffected(products: readonly AdvisoryProduct[], vendor: string): OsvAffected[] {
  const byKey = new Map<string, OsvAffected>();
  for (const p of products) {
    const ecosystem = p.package ? osvEcosystem(p.package.ecosystem) : null;
    let key: string;
    let entry: OsvAffected | undefined;
    if (p.package && ecosystem) {
      key = `package\u0000${ecosystem}\u0000${p.package.name}`;
      entry = byKey.get(key);
      if (!entry) {
        entry = { package: { ecosystem, name: p.package.name }, ranges: [] };
        if (p.package.purl) entry.package!.purl = p.package.purl;
      }
    } else {
      key = `product\u0000${p.productId}`;
      entry = byKey.get(key);
      if (!entry) {
        const product: OsvProductInfo = { id: p.productId, name: oneLine(p.name), vendor: oneLine(vendor), version_scheme: 'vendor' };
        if (p.cpe) product.cpe = p.cpe;
        if (p.package) product.package = { ecosystem: p.package.ecosystem, name: p.package.name, ...(p.package.purl ? { purl: p.package.purl } : {}) };
        entry = { ranges: [], database_specific: { product } };
      }
    }
    byKey.set(key, entry);
    // "0" is OSV's "every earlier version"; without a fixed event the range stays open.
    const events: OsvAffected['ranges'][number]['events'] = [{ introduced: p.introduced ?? '0' }];
    if (p.fixed) events.push({ fixed: p.fixed });
    const range = { type: 'ECOSYSTEM' as const, events };
    if (!entry.ranges.some((r) => JSON.stringify(r) === JSON.stringify(range))) entry.ranges.push(range);
  }
  return [...byKey.values()];
}

/**
 * Summary, details, every affected product (OSV's `affected` cannot name
 * products without a package) and the mitigation, as CommonMark. `details`
 * and `mitigation` are Markdown already; plain-text parts are escaped so they
 * stay text.
 */
function osvDetails(a: Advisory): string {
  const parts = [escapeMarkdown(a.summary.trim())];
  if (a.details.trim()) parts.push(a.details.trim());
  parts.push(['## Affected products', '', ...a.products.map((p) => `- ${escapeMarkdown(oneLine(p.name))}: ${escapeMarkdown(versionRange(p))}`)].join('\n'));
  if (a.mitigation.trim()) parts.push(`## Mitigation\n\n${a.mitigation.trim()}`);
  return withoutControls(parts.filter(Boolean).join('\n\n'));
}

/** "versions 2.0.0 and later, before 2.4.1 (fixed in 2.4.1)": words a reader needs no range convention for. */
function versionRange(p: Pick<AdvisoryProduct, 'introduced' | 'fixed'>): string {
  const from = p.introduced ? `versions ${p.introduced} and later` : p.fixed ? 'versions' : 'all versions';
  if (!p.fixed) return `${from} (no fixed version yet)`;
  return `${from}${p.introduced ? ',' : ''} before ${p.fixed} (fixed in ${p.fixed})`;
}

/** Backslash-escapes what CommonMark would read as markup (ASCII punctuation may always be escaped). */
function escapeMarkdown(text: string): string {
  return text
    // Parentheses and "!" only mean something after "[…]", and brackets are escaped.
    .replace(/[\\`*_[\]<>#+|~&]/g, '\\$&')
    // Block markers only count at the start of a line: "- ", "1. ", "= ".
    .replace(/^(\s*)([-=]|\d+[.)])/gm, (_m, space: string, marker: string) => `${space}${marker.replace(/[-=.)]$/, '\\$&')}`);
}

function canonicalVector(vector: string): string {
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) throw new InvalidCvssVectorError(parsed.message);
  // OSV's CVSS_V4 pattern only accepts the specification's metric order.
  return parsed.canonical;
}


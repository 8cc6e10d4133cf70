import type { Severity } from '../db/schema.ts';

/**
 * A published security advisory as every output format reads it (HTML page,
 * CSAF 2.0, OSV, CVE JSON 5, feeds). Pure data: the renderers in this folder
 * are functions of it alone, so what the world sees is testable without a
 * database. Drafts have the same shape; they are sealed at rest until published.
 */
export interface Advisory {
  /** Public id, e.g. "EMB-SA-2026-0001"; stable, part of every URL. */
  id: string;
  /** Who publishes it: the program's vendor and the instance's public URL. */
  publisher: AdvisoryPublisher;
  title: string;
  /** One short plain-text paragraph: what is wrong and who should act. */
  summary: string;
  /** Markdown (no raw HTML): details, impact, how it was found. */
  details: string;
  /** Markdown: workarounds or mitigations until the fix is applied; empty when none. */
  mitigation: string;
  /** "CVE-2026-12345" when one was assigned. */
  cveId: string | null;
  /** From the shipped CWE list. */
  cwe: { id: number; name: string } | null;
  /**
   * The team's headline score, never the reporter's suggestion: the CVSS 4.0 one when the team
   * gave one, else the 3.1 one. Its severity is the advisory's severity.
   */
  cvss: AdvisoryCvss | null;
  /**
   * Every score the team gave, at most one per CVSS version, 4.0 first; every format carries
   * each one it can hold. Absent (advisories built before both could be given): just `cvss`.
   * Read it with advisoryCvssScores.
   */
  cvssScores?: AdvisoryCvss[];
  /** At least one when published. */
  products: AdvisoryProduct[];
  /** Only people who chose to be credited, with the name or handle they chose. */
  credits: AdvisoryCredit[];
  references: AdvisoryReference[];
  /** Revision 1 is the initial release; newest last. */
  revisions: AdvisoryRevision[];
  /** ISO 8601 (UTC) of revision 1. */
  initialReleaseDate: string;
  /** ISO 8601 (UTC) of the newest revision. */
  currentReleaseDate: string;
}

export interface AdvisoryPublisher {
  /** The vendor's name from the program config, e.g. "Example Corp". */
  name: string;
  /** The instance's public base URL without a trailing slash, e.g. "https://security.example.com". */
  baseUrl: string;
  contactEmail: string;
  /** The program's CSAF settings (program config `csaf`); absent: the defaults of csafPublisher. */
  csaf?: AdvisoryCsafSettings;
}

/** CSAF 2.0 publisher categories (document.publisher.category). */
export type CsafPublisherCategory = 'coordinator' | 'discoverer' | 'other' | 'translator' | 'user' | 'vendor';

/** What an operator sets of the CSAF publisher and provider metadata; each field has a default. */
export interface AdvisoryCsafSettings {
  /** document.publisher.name; default: the vendor. */
  publisherName?: string | undefined;
  /** document.publisher.namespace, the publisher's own URL; default: the instance's base URL. */
  namespace?: string | undefined;
  /** Default "vendor". */
  category?: CsafPublisherCategory | undefined;
  /** How to reach the publisher; default: the contact address. */
  contactDetails?: string | undefined;
  /** Who may issue the documents (optional in CSAF), e.g. "Example Corp PSIRT". */
  issuingAuthority?: string | undefined;
  /** provider-metadata.json list_on_CSAF_aggregators; default true. */
  listOnAggregators?: boolean | undefined;
  /** provider-metadata.json mirror_on_CSAF_aggregators; default true. */
  mirrorOnAggregators?: boolean | undefined;
}

export interface AdvisoryCvss {
  version: '3.1' | '4.0';
  vector: string;
  /** Base score for 3.1, CVSS-BTE score for 4.0, 0.0–10.0. */
  score: number;
  severity: Severity;
}

/**
 * One affected product. Versions are the vendor's own strings; the range is
 * "introduced ≤ v < fixed" (OSV/CVE style): introduced null means every
 * earlier version, fixed null means no fix is released yet.
 */
export interface AdvisoryProduct {
  /** Product id from the program config ("gateway"). */
  productId: string;
  /** Display name ("Example Gateway"). */
  name: string;
  introduced: string | null;
  fixed: string | null;
  /** Package coordinates when the product is also distributed through an ecosystem (OSV uses them). */
  package: { ecosystem: string; name: string; purl: string | null } | null;
  /**
   * The product's CPE (2.3 formatted string, or a 2.2 URI) when the team gives one; CSAF names
   * the product by it (product_identification_helper). Absent in content written before.
   */
  cpe?: string | null;
}

/** CSAF's acknowledgment roles, OSV's credit types and CVE's credit types all map from these. */
export type AdvisoryCreditRole = 'finder' | 'reporter' | 'coordinator' | 'remediation_developer' | 'other';

export interface AdvisoryCredit {
  name: string;
  role: AdvisoryCreditRole;
}

export interface AdvisoryReference {
  url: string;
  /** Short label ("Release notes 2.4.1"). */
  summary: string;
}

export interface AdvisoryRevision {
  /** 1, 2, 3… */
  number: number;
  /** ISO 8601 (UTC). */
  date: string;
  /** "Initial release", "Added fixed version for 1.x", … */
  summary: string;
}

/** Every score of an advisory (see Advisory.cvssScores), 4.0 first. */
export function advisoryCvssScores(a: Pick<Advisory, 'cvss' | 'cvssScores'>): AdvisoryCvss[] {
  return a.cvssScores ?? (a.cvss ? [a.cvss] : []);
}

/** Where the advisory and its machine-readable variants live (stable public URLs, DESIGN.md). */
export function advisoryUrls(a: Pick<Advisory, 'id' | 'publisher'>) {
  const base = `${a.publisher.baseUrl}/advisories/${encodeURIComponent(a.id)}`;
  return {
    html: base,
    csaf: `${base}.json`,
    osv: `${base}.osv.json`,
    cve: `${base}.cve.json`,
  };
}

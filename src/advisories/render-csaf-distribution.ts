import type { Advisory, AdvisoryPublisher, CsafPublisherCategory } from './advisory.ts';

/**
 * The CSAF 2.0 directory-based distribution (§7.1.7 and §7.1.11–13): where
 * each document lives under /.well-known/csaf/, and the provider-metadata.json,
 * index.txt and changes.csv that let aggregators and scanners find them.
 * Pure functions; the routes serve what these return.
 */

/** What the listings need to know about each published advisory. */
export interface CsafDirectoryEntry {
  id: string;
  /** ISO 8601; its year names the folder (requirement 11). */
  initialReleaseDate: string;
  /** ISO 8601; changes.csv lists it and sorts by it (requirement 13). */
  currentReleaseDate: string;
}

/** document.publisher of every CSAF document, and publisher of the provider metadata (they must agree). */
export interface CsafPublisher {
  category: CsafPublisherCategory;
  contact_details: string;
  issuing_authority?: string;
  name: string;
  namespace: string;
}

/** The publisher from the program's CSAF settings, each field defaulting to the program's vendor, URL and address. */
export function csafPublisher(p: AdvisoryPublisher): CsafPublisher {
  const s = p.csaf ?? {};
  return {
    category: s.category ?? 'vendor',
    contact_details: s.contactDetails ?? p.contactEmail,
    ...(s.issuingAuthority ? { issuing_authority: s.issuingAuthority } : {}),
    name: s.publisherName ?? p.name,
    namespace: s.namespace ?? p.baseUrl,
  };
}

/** The subset of the provider metadata schema (json_schema/provider_json_schema.json) that Embargo fills. */
export interface CsafProviderMetadata {
  canonical_url: string;
  distributions: { directory_url: string; rolie?: { feeds: { summary: string; tlp_label: 'WHITE'; url: string }[] } }[];
  last_updated: string;
  list_on_CSAF_aggregators: boolean;
  metadata_version: '2.0';
  mirror_on_CSAF_aggregators: boolean;
  publisher: CsafPublisher;
  role: 'csaf_publisher' | 'csaf_provider' | 'csaf_trusted_provider';
  /** The keys that sign the documents (requirement 20). */
  public_openpgp_keys?: { fingerprint: string; url: string }[];
}

/** File name of a CSAF document per CSAF 2.0 §5.1: "EMB-SA-2026-0007" → "emb-sa-2026-0007.json". */
export function csafFileName(id: string): string {
  // Lowercase first: the spec forbids applying the replacement before that step, and
  // a whole run of other characters becomes one underscore ("2022_#01-A" → "2022_01-a").
  return `${id.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}

/** Year folder of a document (requirement 11): the year written in its initial release date. */
function releaseYear(initialReleaseDate: string): string {
  // The spec names "the year given in the value", so read it from the text rather than
  // re-deriving it through a Date, which could move a date with an offset into another year.
  const year = /^(\d{4})-/.exec(initialReleaseDate)?.[1];
  if (!year) throw new RangeError(`Not an ISO 8601 date: "${initialReleaseDate}".`);
  return year;
}

/** Path of a document relative to the distribution directory, e.g. "2026/emb-sa-2026-0007.json". */
export function csafDirectoryPath(a: Pick<CsafDirectoryEntry, 'id' | 'initialReleaseDate'>): string {
  return `${releaseYear(a.initialReleaseDate)}/${csafFileName(a.id)}`;
}

/** The TLP:WHITE distribution directory; every published advisory is public, so it is the only one. */
export function csafDirectoryUrl(baseUrl: string): string {
  return `${baseUrl}/.well-known/csaf/white/`;
}

/** Canonical URL of an advisory's CSAF document: its place in the distribution directory. */
export function csafCanonicalUrl(a: Pick<Advisory, 'id' | 'initialReleaseDate' | 'publisher'>): string {
  return `${csafDirectoryUrl(a.publisher.baseUrl)}${csafDirectoryPath(a)}`;
}

/** /.well-known/csaf/provider-metadata.json (requirement 7). */
export function renderProviderMetadata(args: { publisher: AdvisoryPublisher; lastUpdated: string; signingKey?: { fingerprint: string; url: string } }): CsafProviderMetadata {
  const { publisher } = args;
  return {
    ...(args.signingKey ? { public_openpgp_keys: [{ fingerprint: args.signingKey.fingerprint.toUpperCase(), url: args.signingKey.url }] } : {}),
    canonical_url: `${publisher.baseUrl}/.well-known/csaf/provider-metadata.json`,
    // One distribution, two ways to walk it: the directory (requirements 11–14) and a ROLIE feed
    // (15) of the same TLP:WHITE documents.
    distributions: [
      {
        directory_url: csafDirectoryUrl(publisher.baseUrl),
        rolie: { feeds: [{ summary: `All TLP:WHITE advisories of ${publisher.name}.`, tlp_label: 'WHITE', url: csafRolieFeedUrl(publisher.baseUrl) }] },
      },
    ],
    last_updated: args.lastUpdated,
    list_on_CSAF_aggregators: publisher.csaf?.listOnAggregators ?? true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: publisher.csaf?.mirrorOnAggregators ?? true,
    publisher: csafPublisher(publisher),
    // csaf_provider (§7.2.2) asks for requirements 1–7 (valid documents, file names, TLS,
    // TLP:WHITE freely accessible, provider-metadata.json), one of 8–10 (we serve this file
    // under /.well-known/csaf/) and 11–14 (the year folders, index.txt, changes.csv and a
    // directory listing rendered here). With the program's key, every document also has its
    // .sha256 and .sha512 files (requirement 18), a detached OpenPGP signature .asc (19) and
    // the public key is listed here and served (20): csaf_trusted_provider (§7.2.3).
    role: args.signingKey ? 'csaf_trusted_provider' : 'csaf_provider',
  };
}

/** The ROLIE feed of the TLP:WHITE documents (requirement 15), beside the directory. */
export function csafRolieFeedUrl(baseUrl: string): string {
  return `${baseUrl}/.well-known/csaf/feed-tlp-white.json`;
}

/** A ROLIE feed as CSAF 2.0 §7.1.15 shows it (JSON form of RFC 8322), TLP:WHITE only. */
export interface CsafRolieFeed {
  feed: {
    id: string;
    title: string;
    link: { rel: 'self'; href: string }[];
    category: { scheme: 'urn:ietf:params:rolie:category:information-type'; term: 'csaf' }[];
    updated: string;
    entry: CsafRolieEntry[];
  };
}

export interface CsafRolieEntry {
  id: string;
  title: string;
  link: { rel: 'self' | 'hash' | 'signature'; href: string }[];
  published: string;
  updated: string;
  summary: { content: string };
  content: { type: 'application/json'; src: string };
  format: { schema: 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json'; version: '2.0' };
}

/**
 * The ROLIE feed: one entry per document, newest change first, linking the document, its
 * .sha256 and .sha512 files (always served) and its .asc signature when the program has a key.
 */
export function renderRolieFeed(args: {
  publisher: AdvisoryPublisher;
  advisories: readonly Pick<Advisory, 'id' | 'title' | 'summary' | 'initialReleaseDate' | 'currentReleaseDate' | 'publisher'>[];
  updated: string;
  signed: boolean;
}): CsafRolieFeed {
  const base = args.publisher.baseUrl;
  const entries = [...args.advisories]
    .sort((x, y) => Date.parse(y.currentReleaseDate) - Date.parse(x.currentReleaseDate) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map((a): CsafRolieEntry => {
      const url = csafCanonicalUrl(a);
      return {
        id: a.id,
        title: a.title,
        link: [
          { rel: 'self', href: url },
          { rel: 'hash', href: `${url}.sha256` },
          { rel: 'hash', href: `${url}.sha512` },
          ...(args.signed ? [{ rel: 'signature' as const, href: `${url}.asc` }] : []),
        ],
        published: a.initialReleaseDate,
        updated: a.currentReleaseDate,
        summary: { content: a.summary.trim() !== '' ? a.summary : a.title },
        content: { type: 'application/json', src: url },
        format: { schema: 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json', version: '2.0' },
      };
    });
  return {
    feed: {
      id: `${new URL(base).hostname}-csaf-feed-tlp-white`,
      title: `${args.publisher.name} CSAF feed (TLP:WHITE)`,
      link: [{ rel: 'self', href: csafRolieFeedUrl(base) }],
      category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
      updated: args.updated,
      entry: entries,
    },
  };
}

/** index.txt (requirement 12): every document's path, one a line; newest year first, like the spec's example. */
export function renderIndexTxt(entries: Pick<CsafDirectoryEntry, 'id' | 'initialReleaseDate'>[]): string {
  const paths = entries.map(csafDirectoryPath).sort((x, y) => (x < y ? 1 : x > y ? -1 : 0));
  return paths.map((p) => `${p}\n`).join('');
}

const csvField = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** changes.csv (requirement 13): "path","current_release_date", no heading, latest change first. */
export function renderChangesCsv(entries: CsafDirectoryEntry[]): string {
  const rows = entries.map((e) => ({ path: csafDirectoryPath(e), date: e.currentReleaseDate, t: Date.parse(e.currentReleaseDate) }));
  for (const r of rows) if (Number.isNaN(r.t)) throw new RangeError(`Not an ISO 8601 date: "${r.date}".`);
  // Compare instants, not strings (".000Z" and "Z" forms sort differently); ties by path keep the output stable.
  rows.sort((x, y) => y.t - x.t || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return rows.map((r) => `${csvField(r.path)},${csvField(r.date)}\n`).join('');
}

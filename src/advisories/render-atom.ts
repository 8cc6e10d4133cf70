import type { Severity } from '../db/schema.ts';
import { advisoryUrls, type Advisory, type AdvisoryPublisher } from './advisory.ts';
import { utc } from './output-text.ts';

export interface AtomFeedArgs {
  publisher: AdvisoryPublisher;
  /** The feed's own URL: its id and its rel="self" link. */
  feedUrl: string;
  /** Newest first. */
  advisories: readonly Advisory[];
  /** When the feed last changed (ISO 8601). */
  updated: string;
}

const SEVERITY_LABELS: Readonly<Record<Severity, string | null>> = {
  none: null,
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/**
 * The published advisories as an Atom 1.0 feed (RFC 4287). Each entry links
 * the advisory page (alternate, text/html), its CSAF document (alternate,
 * application/json: the one machine-readable twin) and its OSV record
 * (related: Atom allows one alternate per media type, and OSV is JSON too).
 */
export function renderAtomFeed(args: AtomFeedArgs): string {
  const { publisher } = args;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <id>${text(args.feedUrl)}</id>`,
    `  <title type="text">${text(`${publisher.name} security advisories`)}</title>`,
    `  <link rel="self" type="application/atom+xml" href="${attr(args.feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${attr(`${publisher.baseUrl}/advisories`)}"/>`,
    `  <updated>${utc(args.updated)}</updated>`,
    // The feed's author stands for every entry (RFC 4287 §4.1.1), so entries need none of their own.
    '  <author>',
    `    <name>${text(publisher.name)}</name>`,
    `    <uri>${text(publisher.baseUrl)}</uri>`,
    ...(publisher.contactEmail ? [`    <email>${text(publisher.contactEmail)}</email>`] : []),
    '  </author>',
    '  <generator>Embargo</generator>',
    ...args.advisories.flatMap(entry),
    '</feed>',
    '',
  ];
  return lines.join('\n');
}

function entry(a: Advisory): string[] {
  const urls = advisoryUrls(a);
  return [
    '  <entry>',
    `    <id>${text(urls.html)}</id>`,
    `    <title type="text">${text(entryTitle(a))}</title>`,
    `    <link rel="alternate" type="text/html" href="${attr(urls.html)}"/>`,
    `    <link rel="alternate" type="application/json" title="CSAF 2.0" href="${attr(urls.csaf)}"/>`,
    `    <link rel="related" type="application/json" title="OSV" href="${attr(urls.osv)}"/>`,
    ...(a.cveId ? [`    <link rel="related" type="text/html" title="${attr(a.cveId)}" href="${attr(`https://www.cve.org/CVERecord?id=${encodeURIComponent(a.cveId)}`)}"/>`] : []),
    `    <published>${utc(a.initialReleaseDate)}</published>`,
    `    <updated>${utc(a.currentReleaseDate)}</updated>`,
    ...(a.cvss && SEVERITY_LABELS[a.cvss.severity] ? [`    <category term="${attr(a.cvss.severity)}" label="${attr(`${SEVERITY_LABELS[a.cvss.severity]} severity`)}"/>`] : []),
    `    <summary type="text">${text(a.summary)}</summary>`,
    '  </entry>',
  ];
}

/** "[High] Stored XSS in the admin console (CVE-2026-12345)": what a feed reader's list shows. */
function entryTitle(a: Advisory): string {
  const severity = a.cvss ? SEVERITY_LABELS[a.cvss.severity] : null;
  return [severity ? `[${severity}]` : '', a.title.replace(/\s+/g, ' ').trim(), a.cveId ? `(${a.cveId})` : ''].filter(Boolean).join(' ');
}

/**
 * Characters XML 1.0 does not allow at all (C0 controls other than tab and
 * line breaks, lone surrogates, U+FFFE/U+FFFF), plus the C1 controls it
 * discourages: no escape can carry them, so they are dropped.
 */
const NOT_XML = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Element content: every markup character escaped, so any string stays text. */
function text(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Attribute values: as text, and line breaks as references so attribute normalisation keeps them. */
function attr(value: string): string {
  return text(value).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}


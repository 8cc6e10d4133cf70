import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import type { Advisory } from '../../src/advisories/advisory.ts';
import { renderAtomFeed } from '../../src/advisories/render-atom.ts';
import { fullAdvisory, minimalAdvisory } from './sample-advisories.ts';

const publisher = fullAdvisory().publisher;
const feedUrl = 'https://security.example.com/advisories.atom';
const updated = '2026-11-22T08:30:00.000Z';

/**
 * Strict XML 1.0 well-formedness, namespaces included. fast-xml-parser's
 * validator lets control characters and undefined entities through, so the
 * character-level guarantees are checked with saxes, a conformant parser.
 */
function wellFormedErrors(xml: string): string[] {
  const errors: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (err) => errors.push(err.message));
  parser.write(xml).close();
  return errors;
}

interface Link { '@_rel': string; '@_type'?: string; '@_href': string; '@_title'?: string }
interface Entry { id: string; title: { '#text': string; '@_type': string }; link: Link[]; published: string; updated: string; summary: { '#text': string }; category?: { '@_term': string; '@_label': string }[] }
interface Feed {
  '@_xmlns': string; id: string; title: { '#text': string }; link: Link[]; updated: string;
  author: { name: string; uri: string; email: string }; generator: string; entry?: Entry[];
}

/** Renders, checks well-formedness both ways, and parses into plain objects for structural checks. */
function parseFeed(advisories: Advisory[], overrides: Partial<Parameters<typeof renderAtomFeed>[0]> = {}): { xml: string; feed: Feed } {
  const xml = renderAtomFeed({ publisher, feedUrl, advisories, updated, ...overrides });
  assert.deepEqual(wellFormedErrors(xml), []);
  assert.equal(XMLValidator.validate(xml), true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    // Drops the indentation between elements; no value rendered here starts or ends with white space.
    trimValues: true,
    textNodeName: '#text',
    alwaysCreateTextNode: false,
    isArray: (name) => ['entry', 'link', 'category'].includes(name),
  });
  return { xml, feed: parser.parse(xml).feed as Feed };
}

describe('Atom feed', () => {
  it('has the feed-level elements RFC 4287 asks for', () => {
    const { xml, feed } = parseFeed([fullAdvisory(), minimalAdvisory()]);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'));
    assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
    assert.equal(feed.id, feedUrl);
    assert.equal(feed.title['#text'], 'Example Corp security advisories');
    assert.deepEqual(feed.link, [
      { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': feedUrl },
      { '@_rel': 'alternate', '@_type': 'text/html', '@_href': 'https://security.example.com/advisories' },
    ]);
    assert.equal(feed.updated, updated);
    assert.deepEqual(feed.author, { name: 'Example Corp', uri: 'https://security.example.com', email: 'security@example.com' });
  });

  it('has one entry per advisory, in the order given, each linking its page and machine-readable forms', () => {
    const { feed } = parseFeed([fullAdvisory(), minimalAdvisory()]);
    const [full, minimal] = feed.entry ?? [];
    assert.equal(feed.entry?.length, 2);
    assert.equal(full?.id, 'https://security.example.com/advisories/EMB-SA-2026-0007');
    assert.deepEqual(full?.title, { '#text': '[High] Stored XSS in the Example Gateway admin console (CVE-2026-12345)', '@_type': 'text' });
    assert.deepEqual(full?.link, [
      { '@_rel': 'alternate', '@_type': 'text/html', '@_href': 'https://security.example.com/advisories/EMB-SA-2026-0007' },
      { '@_rel': 'alternate', '@_type': 'application/json', '@_title': 'CSAF 2.0', '@_href': 'https://security.example.com/advisories/EMB-SA-2026-0007.json' },
      { '@_rel': 'related', '@_type': 'application/json', '@_title': 'OSV', '@_href': 'https://security.example.com/advisories/EMB-SA-2026-0007.osv.json' },
      { '@_rel': 'related', '@_type': 'text/html', '@_title': 'CVE-2026-12345', '@_href': 'https://www.cve.org/CVERecord?id=CVE-2026-12345' },
    ]);
    assert.equal(full?.published, '2026-11-20T10:00:00.000Z');
    assert.equal(full?.updated, '2026-11-22T08:30:00.000Z');
    assert.equal(full?.summary['#text'], fullAdvisory().summary);
    assert.deepEqual(full?.category, [{ '@_term': 'high', '@_label': 'High severity' }]);

    assert.equal(minimal?.id, 'https://security.example.com/advisories/EMB-SA-2026-0001');
    assert.equal(minimal?.title['#text'], 'Denial of service in the sync service');
    assert.equal(minimal?.link.length, 3);
    assert.equal(minimal?.category, undefined);
  });

  it('never has two alternate links of one media type in an entry (RFC 4287 §4.1.1)', () => {
    const { feed } = parseFeed([fullAdvisory(), minimalAdvisory()]);
    for (const entry of feed.entry ?? []) {
      const alternates = entry.link.filter((l) => l['@_rel'] === 'alternate').map((l) => l['@_type']);
      assert.equal(new Set(alternates).size, alternates.length);
    }
  });

  it('a hostile title and summary round-trip as text', () => {
    const title = '</title><script>alert(1)</script>&';
    const summary = `"double" 'single' <b>&amp;</b> ]]> <!-- -->`;
    const { xml, feed } = parseFeed([fullAdvisory({ title, summary, cvss: null, cveId: null })]);
    assert.ok(!xml.includes('<script>'));
    const entry = feed.entry?.[0];
    assert.equal(entry?.title['#text'], title);
    assert.equal(entry?.summary['#text'], summary);
  });

  it('hostile publisher fields and URLs stay inside their attributes and elements', () => {
    const evil = { name: 'Ex & <Co> "Q" \'R\'', baseUrl: 'https://security.example.com/x?a=1&b="2"', contactEmail: 'sec@example.com' };
    const { feed } = parseFeed([fullAdvisory({ publisher: evil })], { publisher: evil, feedUrl: 'https://security.example.com/feed?a=1&b=<2>' });
    assert.equal(feed.title['#text'], 'Ex & <Co> "Q" \'R\' security advisories');
    assert.equal(feed.author.name, evil.name);
    assert.equal(feed.id, 'https://security.example.com/feed?a=1&b=<2>');
    assert.equal(feed.link[0]?.['@_href'], 'https://security.example.com/feed?a=1&b=<2>');
    assert.equal(feed.link[1]?.['@_href'], 'https://security.example.com/x?a=1&b="2"/advisories');
  });

  it('characters XML 1.0 cannot carry are dropped, so the feed stays well-formed', () => {
    const title = 'a\u0000b\u001bc\u0007d\uFFFEe\uD800f\u0085g';
    const { xml, feed } = parseFeed([fullAdvisory({ title, summary: 'tab\tand\nnewline kept\u000b', cvss: null, cveId: null })]);
    assert.equal(feed.entry?.[0]?.title['#text'], 'abcdefg');
    assert.equal(feed.entry?.[0]?.summary['#text'], 'tab\tand\nnewline kept');
    // What the filter prevents: the same text unfiltered is rejected by a strict parser.
    assert.notDeepEqual(wellFormedErrors(`<t>${title}</t>`), []);
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  });

  it('an empty feed is still a complete feed', () => {
    const { feed } = parseFeed([]);
    assert.equal(feed.entry, undefined);
    assert.equal(feed.id, feedUrl);
    assert.equal(feed.author.name, 'Example Corp');
  });

  it('dates are normalised to RFC 3339 UTC; an unreadable date is an error, not a feed', () => {
    const { feed } = parseFeed([], { updated: '2026-11-22T09:30:00+01:00' });
    assert.equal(feed.updated, '2026-11-22T08:30:00.000Z');
    assert.throws(() => renderAtomFeed({ publisher, feedUrl, advisories: [], updated: 'yesterday' }), RangeError);
  });
});

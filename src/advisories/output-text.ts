/**
 * Text hygiene shared by the machine-readable renderers (OSV, CVE JSON, Atom):
 * what staff typed goes out as data, so dates are normalised, one-line fields
 * stay one line, invisible control characters are dropped and links are http(s).
 */

/** RFC 3339 in UTC with a Z; an unparseable date is a bug upstream, not something to publish. */
export function utc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a date: ${iso}`);
  return d.toISOString();
}

/** Control characters carry nothing a reader can see and trip up consumers' parsers (tab and line breaks stay). */
export function withoutControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '');
}

/** Collapses whitespace (including line breaks) so a field meant as one line stays one. */
export function oneLine(text: string): string {
  return withoutControls(text).replace(/\s+/g, ' ').trim();
}

/** The URL as a valid URI (spaces and the like percent-encoded), or null when it is not http(s). */
export function httpUrl(text: string): string | null {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** The first item of each key, in order. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

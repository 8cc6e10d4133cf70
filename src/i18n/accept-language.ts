/**
 * Accept-Language (RFC 9110 §12.5.4) as a pure function: the ranges in the
 * client's order of preference, by q-value (ties keep the header's order), and
 * the best of the offered languages.
 */

export interface LanguageRange {
  /** Lower-case range, e.g. "sv-se", "it", "*". */
  range: string;
  q: number;
}

const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/;

/** The header's ranges with q > 0, best first; malformed entries are skipped, never fatal. */
export function parseAcceptLanguage(header: string | undefined): LanguageRange[] {
  return parseAll(header).filter((r) => r.q > 0);
}

/** Every well-formed range, q=0 ("not this one") included. */
function parseAll(header: string | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: (LanguageRange & { order: number })[] = [];
  // A header is a short list; a long one is not a browser's, and is not worth parsing whole.
  for (const [order, part] of header.slice(0, 1000).split(',').entries()) {
    const [rawRange, ...params] = part.trim().split(';');
    const range = (rawRange ?? '').trim().toLowerCase();
    if (!RANGE.test(range)) continue;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (m) q = Math.min(1, Number(m[1]));
      else if (/^\s*q\s*=/i.test(param)) q = -1; // a malformed weight: ignore the entry
    }
    if (q >= 0) ranges.push({ range, q, order });
  }
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order).map(({ range, q }) => ({ range, q }));
}

/**
 * The offered language the client prefers most: "sv-SE" matches "sv" (basic
 * filtering, RFC 4647 §3.3.1, by primary subtag), "*" matches the first
 * offered language not named elsewhere in the header; undefined when nothing matches.
 */
export function negotiateLanguage<L extends string>(header: string | undefined, offered: readonly L[]): L | undefined {
  const all = parseAll(header);
  // "*" stands for languages the header does not name; a language named with q=0 is refused outright.
  const named = new Set(all.map((r) => r.range.split('-')[0]));
  const ranges = all.filter((r) => r.q > 0);
  for (const { range } of ranges) {
    if (range === '*') {
      const rest = offered.find((l) => !named.has(l.toLowerCase()));
      if (rest) return rest;
      continue;
    }
    const primary = range.split('-')[0];
    const match = offered.find((l) => l.toLowerCase() === range) ?? offered.find((l) => l.toLowerCase().split('-')[0] === primary);
    if (match) return match;
  }
  return undefined;
}

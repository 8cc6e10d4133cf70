import cweList from '../data/cwe-list.json' with { type: 'json' };
import type { VulnerabilityType } from '../domain/report-input.ts';

/** MITRE's guidance on whether a vulnerability should be mapped to the weakness. */
export type CweUsage = 'Allowed' | 'Allowed-with-Review' | 'Discouraged' | 'Prohibited';
export type CweAbstraction = 'Pillar' | 'Class' | 'Base' | 'Variant' | 'Compound';

export interface Cwe {
  id: number;
  name: string;
  abstraction: CweAbstraction;
  usage: CweUsage;
  /** "CWE-79: Improper Neutralization …", as advisories write it. */
  label: string;
}

/** Which CWE list this is, for the UI's footnote and the advisory's provenance. */
export const CWE_SOURCE: string = cweList.source;

const ALL: readonly Cwe[] = (cweList.weaknesses as [number, string, CweAbstraction, CweUsage][]).map(([id, name, abstraction, usage]) => ({
  id, name, abstraction, usage, label: `CWE-${id}: ${name}`,
}));
const BY_ID = new Map(ALL.map((c) => [c.id, c]));

/** Every shipped weakness, by id. */
export function allCwes(): readonly Cwe[] {
  return ALL;
}

/** A weakness by id (79, "79" or "CWE-79"); undefined when unknown or deprecated. */
export function findCwe(id: number | string): Cwe | undefined {
  const n = typeof id === 'number' ? id : parseCweId(id);
  return n === undefined ? undefined : BY_ID.get(n);
}

function parseCweId(text: string): number | undefined {
  const m = /^\s*(?:CWE-?)?(\d{1,5})\s*$/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Shorthands triagers type that the CWE names do not contain. Matching one
 * puts these weaknesses first, in this order.
 */
const ALIASES: Readonly<Record<string, readonly number[]>> = {
  xss: [79], sqli: [89], rce: [94, 78], cmdi: [78], idor: [639], xxe: [611], ssti: [1336], lfi: [22, 98], rfi: [98],
  uaf: [416], 'open redirect': [601], redos: [1333], bola: [639], 'mass assignment': [915], toctou: [367],
};

// Preferred for mapping first (MITRE's usage), then the levels MITRE recommends mapping to.
const USAGE_RANK: Record<CweUsage, number> = { Allowed: 0, 'Allowed-with-Review': 1, Discouraged: 2, Prohibited: 3 };
const ABSTRACTION_RANK: Record<CweAbstraction, number> = { Base: 0, Variant: 0, Compound: 1, Class: 2, Pillar: 3 };

/** The 2024 CWE Top 25 Most Dangerous Software Weaknesses: what most reports turn out to be. */
const TOP_25 = new Set([79, 787, 89, 352, 22, 125, 78, 416, 862, 434, 94, 20, 77, 287, 269, 502, 200, 863, 918, 119, 476, 798, 190, 400, 306]);

const words = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/**
 * Weaknesses matching a search, best first: an id ("79", "CWE-79"), a
 * shorthand ("xss", "idor"), or words that each begin a word of the name
 * ("sql inj", "path trav"). Among matches, whole-phrase hits, the CWE Top 25,
 * weaknesses MITRE allows mapping to, and Base/Variant entries come first.
 */
export function searchCwe(text: string, limit = 20): Cwe[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  const exact = parseCweId(q);
  const aliased = ALIASES[q] ?? [];
  const tokens = words(q);
  const scored: { cwe: Cwe; score: number }[] = [];
  for (const cwe of ALL) {
    let score: number;
    const alias = aliased.indexOf(cwe.id);
    if (cwe.id === exact) score = -1000;
    else if (alias >= 0) score = -500 + alias;
    else {
      const nameWords = words(cwe.name);
      if (tokens.length === 0 || !tokens.every((t) => nameWords.some((w) => w.startsWith(t)))) continue;
      const phrase = cwe.name.toLowerCase().includes(q) ? 0 : 20;
      score = phrase + (TOP_25.has(cwe.id) ? 0 : 10) + USAGE_RANK[cwe.usage] * 5 + ABSTRACTION_RANK[cwe.abstraction] * 2 + nameWords.length / 10;
    }
    scored.push({ cwe, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.cwe.id - b.cwe.id).slice(0, limit).map((s) => s.cwe);
}

/** Likely weaknesses for the kind of vulnerability the reporter chose, to preselect in the staff UI. */
export const CWE_SUGGESTIONS: Readonly<Record<VulnerabilityType, readonly number[]>> = {
  xss: [79],
  sqli: [89, 78, 94],
  rce: [94, 78, 502],
  auth: [306, 862, 863, 287],
  idor: [639, 862],
  csrf: [352],
  ssrf: [918],
  info: [200, 209, 532],
  memory: [787, 125, 416, 190],
  crypto: [327, 295, 347],
  dos: [400, 770, 1333],
  config: [1188, 15],
  other: [],
};

/** The suggested weaknesses for a vulnerability type that exist in the shipped list. */
export function suggestedCwes(type: VulnerabilityType): Cwe[] {
  return CWE_SUGGESTIONS[type].map((id) => BY_ID.get(id)).filter((c): c is Cwe => c !== undefined);
}

import { diffWordsWithSpace } from 'diff';
import type { PolicySections } from '../programs/program-config.ts';
import { POLICY_SECTIONS } from './policy-sections.ts';

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };
export interface SectionDiff {
  key: keyof PolicySections;
  heading: string;
  changed: boolean;
  parts: DiffPart[];
}

/** Short unchanged glue ("a", "or", spaces) between two changes reads better inside the change. */
function isGlue(text: string): boolean {
  return !text.includes('\n') && text.trim().length <= 3;
}

/**
 * Word diffs alternate del/ins word by word, which nobody can read. Merge
 * each run of changes (with the short glue inside it) into one removed and
 * one added block.
 */
export function coalesce(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  let pendingGlue: DiffPart[] = [];
  const flush = () => {
    if (removed) out.push({ kind: 'removed', text: removed });
    if (added) out.push({ kind: 'added', text: added });
    removed = added = '';
    out.push(...pendingGlue);
    pendingGlue = [];
  };
  for (const p of parts) {
    const inChange = removed !== '' || added !== '';
    if (p.kind === 'same') {
      if (inChange && isGlue(p.text)) pendingGlue.push(p);
      else {
        flush();
        out.push(p);
      }
      continue;
    }
    // Glue between two changes belongs to both sides of the merged change.
    const glue = pendingGlue.map((g) => g.text).join('');
    pendingGlue = [];
    removed += glue;
    added += glue;
    if (p.kind === 'removed') removed += p.text;
    else added += p.text;
  }
  flush();
  return out;
}

/** Differences per section between two policy versions; pure, for the history pages. */
export function diffPolicies(from: PolicySections, to: PolicySections): SectionDiff[] {
  return POLICY_SECTIONS.map(([key, heading]) => {
    const a = from[key] ?? '';
    const b = to[key] ?? '';
    const raw: DiffPart[] = diffWordsWithSpace(a, b).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
    return { key, heading, changed: a !== b, parts: coalesce(raw) };
  }).filter((d) => d.changed || d.parts.some((p) => p.text.trim() !== ''));
}

import * as aeModule from 'ae-cvss-calculator';

// CommonJS package: the namespace holds either the exports or a `default` wrapper.
const ae = ((aeModule as { default?: unknown }).default ?? aeModule) as typeof aeModule;

export type CvssVersion = '3.1' | '4.0';
export type CvssCheck = { ok: true; version: CvssVersion; score: number } | { ok: false; message: string };

/**
 * Validates a CVSS 3.1 or 4.0 vector strictly (known metrics and values, no
 * repeats, every base metric present) and computes its score. The calculator
 * itself silently scores incomplete vectors, hence the checks.
 */
export function checkCvssVector(vector: string): CvssCheck {
  const v = vector.trim();
  const version: CvssVersion | undefined = v.startsWith('CVSS:3.1/') ? '3.1' : v.startsWith('CVSS:4.0/') ? '4.0' : undefined;
  if (!version) return { ok: false, message: 'A CVSS vector starts with CVSS:3.1/ or CVSS:4.0/.' };
  const calc = version === '3.1' ? new ae.Cvss3P1() : new ae.Cvss4P0();
  const seen = new Set<string>();
  for (const part of v.split('/').slice(1)) {
    const [metric, value, extra] = part.split(':');
    if (!metric || !value || extra !== undefined) return { ok: false, message: `“${part}” is not a METRIC:VALUE pair.` };
    if (seen.has(metric)) return { ok: false, message: `Metric ${metric} appears twice.` };
    seen.add(metric);
    let applied: boolean;
    try {
      applied = calc.applyComponentString(metric, value);
    } catch {
      applied = false; // the calculator throws for unknown values of known metrics
    }
    if (!applied) return { ok: false, message: `${metric}:${value} is not a CVSS ${version} metric value.` };
  }
  if (!calc.isBaseFullyDefined()) return { ok: false, message: 'Every base metric needs a value.' };
  const scores = calc.calculateScores() as { base?: number; overall?: number };
  const score = version === '3.1' ? scores.base : scores.overall;
  if (typeof score !== 'number' || !Number.isFinite(score)) return { ok: false, message: 'The vector could not be scored.' };
  return { ok: true, version, score };
}

import * as aeModule from 'ae-cvss-calculator';
import { definesGroup, parseCvssVector, type CvssVersion } from './cvss-metrics.ts';

// CommonJS package: the namespace holds either the exports or a `default` wrapper.
const ae = ((aeModule as { default?: unknown }).default ?? aeModule) as typeof aeModule;

/** Qualitative severity rating scale; CVSS 3.1 (§5) and 4.0 (§6) use the same bands. */
export type CvssSeverity = 'None' | 'Low' | 'Medium' | 'High' | 'Critical';

/** CVSS 4.0 nomenclature: which metric groups the score reflects. */
export type Cvss4Nomenclature = 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';

export interface Cvss31Score {
  version: '3.1';
  /** The vector with its metrics in the specification's order. */
  vector: string;
  base: number;
  /** Per the formula with Not Defined temporal metrics weighing 1: equals `base` when none is given. */
  temporal: number;
  /**
   * Per the formula with Not Defined modified metrics taking the base value. Not always
   * `base` when no environmental metric is given: the 3.1 modified-impact formula for a
   * changed scope differs from the base one (the Red Hat reference data relies on this).
   */
  environmental: number;
  /** The headline score: the most specific group the vector gives (environmental, else temporal, else base). */
  score: number;
  scoreKind: 'base' | 'temporal' | 'environmental';
  severity: CvssSeverity;
  baseSeverity: CvssSeverity;
}

export interface Cvss40Score {
  version: '4.0';
  vector: string;
  /** The one CVSS 4.0 score (what FIRST's calculator shows), over whatever groups the vector gives. */
  score: number;
  nomenclature: Cvss4Nomenclature;
  severity: CvssSeverity;
}

export type CvssScore = Cvss31Score | Cvss40Score;
export type CvssScoreResult = { ok: true; value: CvssScore } | { ok: false; message: string };

/** Thrown by `requireCvssScore`: an invalid vector is an error, never a blank score. */
export class InvalidCvssVectorError extends Error {
  override readonly name = 'InvalidCvssVectorError';
}

/** The qualitative rating of a 0.0–10.0 score. */
export function cvssSeverity(score: number): CvssSeverity {
  if (!(score >= 0 && score <= 10)) throw new RangeError(`A CVSS score is between 0.0 and 10.0, not ${score}.`);
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}

function finite(n: number | undefined, what: string): number {
  // The calculator answers undefined or NaN rather than throwing; never let that through as a score.
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 10) throw new InvalidCvssVectorError(`The ${what} score could not be computed.`);
  return n;
}

/** Applies validated metrics; the calculator answers false for a value it already holds (X) and throws for an unknown one. */
function apply<C extends { applyComponentString(k: string, v: string): boolean }>(calc: C, pairs: Iterable<[string, string]>): C {
  for (const [k, v] of pairs) {
    try {
      calc.applyComponentString(k, v);
    } catch {
      throw new InvalidCvssVectorError(`${k}:${v} was refused by the calculator.`);
    }
  }
  return calc;
}

const calculator31 = (metrics: ReadonlyMap<string, string>, extra: Record<string, string> = {}) =>
  apply(new ae.Cvss3P1(), [...metrics, ...Object.entries(extra)]);

function score31(vector: string, metrics: ReadonlyMap<string, string>): Cvss31Score {
  const hasTemporal = definesGroup('3.1', metrics, 'temporal');
  const hasEnvironmental = definesGroup('3.1', metrics, 'environmental');
  const base = finite(calculator31(metrics).calculateExactBaseScore(), 'base');
  // The calculator returns 0 for a group with nothing defined; giving it one metric whose
  // value weighs exactly what Not Defined weighs (E:H = 1, CR:M = 1) yields the spec's formula.
  const temporal = finite(calculator31(metrics, hasTemporal ? {} : { E: 'H' }).calculateExactTemporalScore(), 'temporal');
  const envCalc = calculator31(metrics, hasEnvironmental ? {} : { CR: 'M' });
  // A modified impact of 0 or less makes the environmental score 0 (spec §7.3), which the calculator also returns.
  const environmental = finite(envCalc.calculateExactEnvironmentalScore(), 'environmental');
  const scoreKind = hasEnvironmental ? 'environmental' : hasTemporal ? 'temporal' : 'base';
  const score = scoreKind === 'environmental' ? environmental : scoreKind === 'temporal' ? temporal : base;
  return { version: '3.1', vector, base, temporal, environmental, score, scoreKind, severity: cvssSeverity(score), baseSeverity: cvssSeverity(base) };
}

function score40(vector: string, metrics: ReadonlyMap<string, string>): Cvss40Score {
  const calc = apply(new ae.Cvss4P0(), metrics);
  const score = finite(calc.calculateScores().overall, 'CVSS 4.0');
  const t = definesGroup('4.0', metrics, 'threat');
  const e = definesGroup('4.0', metrics, 'environmental');
  const nomenclature: Cvss4Nomenclature = t && e ? 'CVSS-BTE' : t ? 'CVSS-BT' : e ? 'CVSS-BE' : 'CVSS-B';
  return { version: '4.0', vector, score, nomenclature, severity: cvssSeverity(score) };
}

/** Validates a CVSS 3.1 or 4.0 vector strictly against the specification and scores it. */
export function scoreCvss(vector: string): CvssScoreResult {
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) return parsed;
  try {
    const value = parsed.version === '3.1' ? score31(parsed.canonical, parsed.metrics) : score40(parsed.canonical, parsed.metrics);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof InvalidCvssVectorError) return { ok: false, message: err.message };
    return { ok: false, message: 'The vector could not be scored.' };
  }
}

/** Like `scoreCvss`, for callers that hold an already validated vector; throws InvalidCvssVectorError otherwise. */
export function requireCvssScore(vector: string): CvssScore {
  const result = scoreCvss(vector);
  if (!result.ok) throw new InvalidCvssVectorError(result.message);
  return result.value;
}

export type { CvssVersion };

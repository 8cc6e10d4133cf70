/**
 * The metric tables of the CVSS 3.1 and 4.0 specifications (FIRST), in the
 * order each specification lists them. Validation uses these tables rather
 * than the calculator's own: ae-cvss-calculator also accepts values the
 * specifications do not define (e.g. `AV:X` in a 3.1 base or `SC:S` in a 4.0
 * base), and an invalid vector must be an error, never a score.
 */
export type CvssVersion = '3.1' | '4.0';

/** 3.1 groups, then 4.0 groups (4.0 renames temporal to threat and adds supplemental). */
export type CvssMetricGroup = 'base' | 'temporal' | 'threat' | 'environmental' | 'supplemental';

export interface CvssMetricSpec {
  /** Abbreviation used in the vector, e.g. AV. */
  key: string;
  group: CvssMetricGroup;
  /** Allowed values; `X` (Not Defined) is listed wherever the specification allows it. */
  values: readonly string[];
}

const m = (group: CvssMetricGroup, key: string, values: string): CvssMetricSpec => ({ key, group, values: values.split(',') });

/** CVSS v3.1 specification, Table 15 order. */
const CVSS31: readonly CvssMetricSpec[] = [
  m('base', 'AV', 'N,A,L,P'),
  m('base', 'AC', 'L,H'),
  m('base', 'PR', 'N,L,H'),
  m('base', 'UI', 'N,R'),
  m('base', 'S', 'U,C'),
  m('base', 'C', 'H,L,N'),
  m('base', 'I', 'H,L,N'),
  m('base', 'A', 'H,L,N'),
  m('temporal', 'E', 'X,H,F,P,U'),
  m('temporal', 'RL', 'X,U,W,T,O'),
  m('temporal', 'RC', 'X,C,R,U'),
  m('environmental', 'CR', 'X,H,M,L'),
  m('environmental', 'IR', 'X,H,M,L'),
  m('environmental', 'AR', 'X,H,M,L'),
  m('environmental', 'MAV', 'X,N,A,L,P'),
  m('environmental', 'MAC', 'X,L,H'),
  m('environmental', 'MPR', 'X,N,L,H'),
  m('environmental', 'MUI', 'X,N,R'),
  m('environmental', 'MS', 'X,U,C'),
  m('environmental', 'MC', 'X,H,L,N'),
  m('environmental', 'MI', 'X,H,L,N'),
  m('environmental', 'MA', 'X,H,L,N'),
];

/** CVSS v4.0 specification, Table 23 order. */
const CVSS40: readonly CvssMetricSpec[] = [
  m('base', 'AV', 'N,A,L,P'),
  m('base', 'AC', 'L,H'),
  m('base', 'AT', 'N,P'),
  m('base', 'PR', 'N,L,H'),
  m('base', 'UI', 'N,P,A'),
  m('base', 'VC', 'H,L,N'),
  m('base', 'VI', 'H,L,N'),
  m('base', 'VA', 'H,L,N'),
  m('base', 'SC', 'H,L,N'),
  m('base', 'SI', 'H,L,N'),
  m('base', 'SA', 'H,L,N'),
  m('threat', 'E', 'X,A,P,U'),
  m('environmental', 'CR', 'X,H,M,L'),
  m('environmental', 'IR', 'X,H,M,L'),
  m('environmental', 'AR', 'X,H,M,L'),
  m('environmental', 'MAV', 'X,N,A,L,P'),
  m('environmental', 'MAC', 'X,L,H'),
  m('environmental', 'MAT', 'X,N,P'),
  m('environmental', 'MPR', 'X,N,L,H'),
  m('environmental', 'MUI', 'X,N,P,A'),
  m('environmental', 'MVC', 'X,H,L,N'),
  m('environmental', 'MVI', 'X,H,L,N'),
  m('environmental', 'MVA', 'X,H,L,N'),
  m('environmental', 'MSC', 'X,H,L,N'),
  m('environmental', 'MSI', 'X,S,H,L,N'),
  m('environmental', 'MSA', 'X,S,H,L,N'),
  m('supplemental', 'S', 'X,N,P'),
  m('supplemental', 'AU', 'X,N,Y'),
  m('supplemental', 'R', 'X,A,U,I'),
  m('supplemental', 'V', 'X,D,C'),
  m('supplemental', 'RE', 'X,L,M,H'),
  m('supplemental', 'U', 'X,Clear,Green,Amber,Red'),
];

export const CVSS_METRICS: Readonly<Record<CvssVersion, readonly CvssMetricSpec[]>> = { '3.1': CVSS31, '4.0': CVSS40 };

export type ParsedCvssVector =
  | { ok: true; version: CvssVersion; metrics: ReadonlyMap<string, string>; canonical: string }
  | { ok: false; message: string };

/**
 * Parses a vector against the specification tables: known prefix, METRIC:VALUE
 * pairs, each metric once, values the specification defines, every base metric.
 * Metrics may come in any order (the 3.1 specification allows it and many
 * tools reorder); `canonical` lists them in the specification's order.
 */
export function parseCvssVector(vector: string): ParsedCvssVector {
  const v = vector.trim();
  const version: CvssVersion | undefined = v.startsWith('CVSS:3.1/') ? '3.1' : v.startsWith('CVSS:4.0/') ? '4.0' : undefined;
  if (!version) return { ok: false, message: 'A CVSS vector starts with CVSS:3.1/ or CVSS:4.0/.' };
  const specs = CVSS_METRICS[version];
  const metrics = new Map<string, string>();
  for (const part of v.split('/').slice(1)) {
    const [metric, value, extra] = part.split(':');
    if (!metric || !value || extra !== undefined) return { ok: false, message: `“${part}” is not a METRIC:VALUE pair.` };
    if (metrics.has(metric)) return { ok: false, message: `Metric ${metric} appears twice.` };
    const spec = specs.find((s) => s.key === metric);
    if (!spec || !spec.values.includes(value)) return { ok: false, message: `${metric}:${value} is not a CVSS ${version} metric value.` };
    metrics.set(metric, value);
  }
  const missing = specs.filter((s) => s.group === 'base' && !metrics.has(s.key)).map((s) => s.key);
  if (missing.length > 0) return { ok: false, message: `Every base metric needs a value; missing: ${missing.join(', ')}.` };
  const canonical = [`CVSS:${version}`, ...specs.filter((s) => metrics.has(s.key)).map((s) => `${s.key}:${metrics.get(s.key)}`)].join('/');
  return { ok: true, version, metrics, canonical };
}

/** Whether the vector gives a value other than Not Defined to any metric of the group. */
export function definesGroup(version: CvssVersion, metrics: ReadonlyMap<string, string>, group: CvssMetricGroup): boolean {
  return CVSS_METRICS[version].some((s) => s.group === group && (metrics.get(s.key) ?? 'X') !== 'X');
}

import type { CvssVersion } from '../domain/cvss-metrics.ts';
import { InvalidCvssVectorError } from '../domain/cvss-score.ts';

/*
 * FIRST's CVSS JSON schemas (cvss-v3.1.json, cvss-v4.0.json) name every vector
 * metric as a property with spelled-out values. CSAF's cvss_v3 and CVE's
 * cvssV3_1 / cvssV4_0 objects are those schemas, so both renderers decode here.
 */

type ValueNames = Readonly<Record<string, string>>;
const HLN: ValueNames = { H: 'HIGH', L: 'LOW', N: 'NONE' };
const LMH: ValueNames = { L: 'LOW', M: 'MEDIUM', H: 'HIGH' };
const AV31: ValueNames = { N: 'NETWORK', A: 'ADJACENT_NETWORK', L: 'LOCAL', P: 'PHYSICAL' };
const AV40: ValueNames = { N: 'NETWORK', A: 'ADJACENT', L: 'LOCAL', P: 'PHYSICAL' };
const AC: ValueNames = { L: 'LOW', H: 'HIGH' };
const UI31: ValueNames = { N: 'NONE', R: 'REQUIRED' };
const UI40: ValueNames = { N: 'NONE', P: 'PASSIVE', A: 'ACTIVE' };
const SCOPE: ValueNames = { U: 'UNCHANGED', C: 'CHANGED' };
const AT: ValueNames = { N: 'NONE', P: 'PRESENT' };
const SUB_SAFETY: ValueNames = { ...HLN, S: 'SAFETY' };

/** Vector abbreviation → [property of the CVSS v3.1 JSON schema, value names]. `X` is always NOT_DEFINED. */
const CVSS31_PROPERTIES: Readonly<Record<string, readonly [string, ValueNames]>> = {
  AV: ['attackVector', AV31], AC: ['attackComplexity', AC], PR: ['privilegesRequired', HLN], UI: ['userInteraction', UI31],
  S: ['scope', SCOPE], C: ['confidentialityImpact', HLN], I: ['integrityImpact', HLN], A: ['availabilityImpact', HLN],
  E: ['exploitCodeMaturity', { U: 'UNPROVEN', P: 'PROOF_OF_CONCEPT', F: 'FUNCTIONAL', H: 'HIGH' }],
  RL: ['remediationLevel', { O: 'OFFICIAL_FIX', T: 'TEMPORARY_FIX', W: 'WORKAROUND', U: 'UNAVAILABLE' }],
  RC: ['reportConfidence', { U: 'UNKNOWN', R: 'REASONABLE', C: 'CONFIRMED' }],
  CR: ['confidentialityRequirement', LMH], IR: ['integrityRequirement', LMH], AR: ['availabilityRequirement', LMH],
  MAV: ['modifiedAttackVector', AV31], MAC: ['modifiedAttackComplexity', AC], MPR: ['modifiedPrivilegesRequired', HLN],
  MUI: ['modifiedUserInteraction', UI31], MS: ['modifiedScope', SCOPE], MC: ['modifiedConfidentialityImpact', HLN],
  MI: ['modifiedIntegrityImpact', HLN], MA: ['modifiedAvailabilityImpact', HLN],
};

/** The same for the CVSS v4.0 JSON schema (its supplemental properties are capitalised there: Safety, Automatable, Recovery). */
const CVSS40_PROPERTIES: Readonly<Record<string, readonly [string, ValueNames]>> = {
  AV: ['attackVector', AV40], AC: ['attackComplexity', AC], AT: ['attackRequirements', AT], PR: ['privilegesRequired', HLN],
  UI: ['userInteraction', UI40], VC: ['vulnConfidentialityImpact', HLN], VI: ['vulnIntegrityImpact', HLN],
  VA: ['vulnAvailabilityImpact', HLN], SC: ['subConfidentialityImpact', HLN], SI: ['subIntegrityImpact', HLN],
  SA: ['subAvailabilityImpact', HLN],
  E: ['exploitMaturity', { A: 'ATTACKED', P: 'PROOF_OF_CONCEPT', U: 'UNREPORTED' }],
  CR: ['confidentialityRequirement', LMH], IR: ['integrityRequirement', LMH], AR: ['availabilityRequirement', LMH],
  MAV: ['modifiedAttackVector', AV40], MAC: ['modifiedAttackComplexity', AC], MAT: ['modifiedAttackRequirements', AT],
  MPR: ['modifiedPrivilegesRequired', HLN], MUI: ['modifiedUserInteraction', UI40],
  MVC: ['modifiedVulnConfidentialityImpact', HLN], MVI: ['modifiedVulnIntegrityImpact', HLN], MVA: ['modifiedVulnAvailabilityImpact', HLN],
  MSC: ['modifiedSubConfidentialityImpact', HLN], MSI: ['modifiedSubIntegrityImpact', SUB_SAFETY], MSA: ['modifiedSubAvailabilityImpact', SUB_SAFETY],
  S: ['Safety', { N: 'NEGLIGIBLE', P: 'PRESENT' }], AU: ['Automatable', { N: 'NO', Y: 'YES' }],
  R: ['Recovery', { A: 'AUTOMATIC', U: 'USER', I: 'IRRECOVERABLE' }], V: ['valueDensity', { D: 'DIFFUSE', C: 'CONCENTRATED' }],
  RE: ['vulnerabilityResponseEffort', { L: 'LOW', M: 'MODERATE', H: 'HIGH' }],
  U: ['providerUrgency', { Clear: 'CLEAR', Green: 'GREEN', Amber: 'AMBER', Red: 'RED' }],
};

/**
 * The metrics of a parsed vector (parseCvssVector) as CVSS JSON properties,
 * e.g. AV:N → attackVector: "NETWORK". A vector the specification tables
 * accept always decodes; anything else throws InvalidCvssVectorError.
 */
export function cvssJsonMetrics(version: CvssVersion, metrics: ReadonlyMap<string, string>): Record<string, string> {
  const table = version === '3.1' ? CVSS31_PROPERTIES : CVSS40_PROPERTIES;
  const properties: Record<string, string> = {};
  for (const [key, value] of metrics) {
    const [property, names] = table[key] ?? [];
    const name = value === 'X' ? 'NOT_DEFINED' : names?.[value];
    if (!property || !name) throw new InvalidCvssVectorError(`${key}:${value} has no CVSS JSON name.`);
    properties[property] = name;
  }
  return properties;
}

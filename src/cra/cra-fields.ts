import type { CraKind, CraStep } from './cra-clocks.ts';
import { CRA_KIND_LABELS, CRA_STEP_ARTICLES, CRA_STEP_LABELS } from './cra-clocks.ts';

/**
 * What each Article 14 notification asks for (Regulation (EU) 2024/2847),
 * step by step, as the fields of a draft the team fills in and pastes into
 * the single reporting platform. `required` marks what the article requires
 * without a "where applicable" or "where available": those are named before
 * export when empty. Pure; the exports are JSON and Markdown.
 */
export type CraFieldKey =
  | 'product' | 'memberStates' | 'maliciousActs' | 'natureOfExploit' | 'natureOfVulnerability' | 'natureOfIncident'
  | 'initialAssessment' | 'measuresTaken' | 'userMeasures' | 'sensitivity' | 'description' | 'severityAndImpact'
  | 'maliciousActor' | 'securityUpdate' | 'rootCause' | 'mitigation';

export interface CraField {
  key: CraFieldKey;
  label: string;
  /** The point of the article that asks for it. */
  article: string;
  required: boolean;
  hint?: string;
}

const f = (key: CraFieldKey, label: string, article: string, required: boolean, hint?: string): CraField => ({ key, label, article, required, hint });
const PRODUCT = (article: string) => f('product', 'Product concerned (name, versions)', article, true);

export const CRA_FIELDS: Readonly<Record<CraKind, Record<CraStep, readonly CraField[]>>> = {
  'exploited-vulnerability': {
    'early-warning': [
      PRODUCT('Art. 14(1), 14(2)(a)'),
      f('memberStates', 'Member States where the product is made available (where known)', 'Art. 14(2)(a)', false),
    ],
    notification: [
      PRODUCT('Art. 14(2)(b)'),
      f('natureOfExploit', 'General nature of the exploit', 'Art. 14(2)(b)', true),
      f('natureOfVulnerability', 'General nature of the vulnerability', 'Art. 14(2)(b)', true),
      f('measuresTaken', 'Corrective or mitigating measures taken', 'Art. 14(2)(b)', true),
      f('userMeasures', 'Corrective or mitigating measures users can take', 'Art. 14(2)(b)', true),
      f('sensitivity', 'How sensitive the team deems the information (where applicable)', 'Art. 14(2)(b)', false),
      f('memberStates', 'Member States concerned (where known)', 'Art. 14(2)(a)', false),
    ],
    'final-report': [
      PRODUCT('Art. 14(2)(c)'),
      f('description', 'Description of the vulnerability', 'Art. 14(2)(c)(i)', true),
      f('severityAndImpact', 'Severity and impact', 'Art. 14(2)(c)(i)', true),
      f('maliciousActor', 'Malicious actor that exploited or is exploiting it (where available)', 'Art. 14(2)(c)(ii)', false),
      f('securityUpdate', 'Security update or other corrective measures made available', 'Art. 14(2)(c)(iii)', true),
      f('rootCause', 'Root cause (where known)', 'Art. 14(2)(c)', false),
    ],
  },
  'severe-incident': {
    'early-warning': [
      PRODUCT('Art. 14(3), 14(4)(a)'),
      f('maliciousActs', 'Whether the incident is suspected of being caused by unlawful or malicious acts', 'Art. 14(4)(a)', true),
      f('memberStates', 'Member States where the product is made available (where known)', 'Art. 14(4)(a)', false),
    ],
    notification: [
      PRODUCT('Art. 14(4)(b)'),
      f('natureOfIncident', 'General nature of the incident', 'Art. 14(4)(b)', true),
      f('initialAssessment', 'Initial assessment of the incident', 'Art. 14(4)(b)', true),
      f('measuresTaken', 'Corrective or mitigating measures taken', 'Art. 14(4)(b)', true),
      f('userMeasures', 'Corrective or mitigating measures users can take', 'Art. 14(4)(b)', true),
      f('sensitivity', 'How sensitive the team deems the information (where applicable)', 'Art. 14(4)(b)', false),
      f('memberStates', 'Member States concerned (where known)', 'Art. 14(4)(a)', false),
    ],
    'final-report': [
      PRODUCT('Art. 14(4)(c)'),
      f('description', 'Detailed description of the incident', 'Art. 14(4)(c)(i)', true),
      f('severityAndImpact', 'Severity and impact', 'Art. 14(4)(c)(i)', true),
      f('rootCause', 'Type of threat or root cause that likely triggered it', 'Art. 14(4)(c)(ii)', true),
      f('mitigation', 'Applied and ongoing mitigation measures', 'Art. 14(4)(c)(iii)', true),
    ],
  },
};

export type CraDraftValues = Partial<Record<CraFieldKey, string>>;

/** At most this many characters a field: ample for a notification, bounded for storage. */
export const CRA_FIELD_MAX = 20_000;

/** What the report and its advisory already say, to start a draft from. */
export interface CraPrefillSource {
  productName: string;
  productVersion: string | null;
  vulnerabilityType: string;
  cwe: string | null;
  title: string;
  description: string;
  impact: string;
  teamSeverity: string | null;
  teamCvss: { score: number; vector: string } | null;
  advisory: { summary: string; details: string; mitigation: string; cveId: string | null; fixedVersions: string[]; publicUrl: string | null } | null;
}

/** A first draft of a step from the report and its advisory; the team edits it before export. */
export function prefillCraDraft(kind: CraKind, step: CraStep, src: CraPrefillSource): CraDraftValues {
  const severity = [
    src.teamCvss ? `CVSS ${src.teamCvss.score}${src.teamSeverity ? ` (${src.teamSeverity})` : ''}, ${src.teamCvss.vector}` : src.teamSeverity ? `Severity ${src.teamSeverity}` : '',
    src.impact,
  ].filter(Boolean).join('\n\n');
  const nature = [src.vulnerabilityType, src.cwe, src.advisory?.cveId].filter(Boolean).join(', ');
  const update = src.advisory
    ? [src.advisory.fixedVersions.length ? `Fixed in: ${src.advisory.fixedVersions.join(', ')}` : '', src.advisory.mitigation, src.advisory.publicUrl ? `Advisory: ${src.advisory.publicUrl}` : '']
        .filter(Boolean).join('\n\n')
    : '';
  const all: CraDraftValues = {
    product: [src.productName, src.productVersion ? `version ${src.productVersion}` : ''].filter(Boolean).join(', '),
    natureOfVulnerability: [nature, src.advisory?.summary || src.title].filter(Boolean).join(': '),
    description: src.advisory?.details || src.description,
    severityAndImpact: severity,
    measuresTaken: update,
    userMeasures: src.advisory?.mitigation ?? '',
    securityUpdate: update,
    mitigation: update,
  };
  const out: CraDraftValues = {};
  for (const field of CRA_FIELDS[kind][step]) if (all[field.key]) out[field.key] = all[field.key];
  return out;
}

/** The required fields left empty: named before export. */
export function missingCraFields(kind: CraKind, step: CraStep, values: CraDraftValues): CraField[] {
  return CRA_FIELDS[kind][step].filter((field) => field.required && !(values[field.key] ?? '').trim());
}

/** Keeps only this step's fields, trimmed of trailing space, each at most CRA_FIELD_MAX characters (else an error per field). */
export function parseCraDraft(kind: CraKind, step: CraStep, input: Record<string, unknown>): { values: CraDraftValues; errors: Partial<Record<CraFieldKey, string>> } {
  const values: CraDraftValues = {};
  const errors: Partial<Record<CraFieldKey, string>> = {};
  for (const field of CRA_FIELDS[kind][step]) {
    const raw = input[field.key];
    const text = typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n').replace(/\s+$/, '') : '';
    if (text.includes('\u0000')) errors[field.key] = 'Remove the NUL character.';
    else if (text.length > CRA_FIELD_MAX) errors[field.key] = `At most ${CRA_FIELD_MAX} characters.`;
    if (text) values[field.key] = text;
  }
  return { values, errors };
}

export interface CraExportHeader {
  reference: string;
  program: string;
  kind: CraKind;
  step: CraStep;
  awareAt: Date;
  dueAt: Date | null;
  exportedAt: Date;
}

/** The draft as JSON, ready to paste field by field; incomplete drafts say so and name what is missing. */
export function craDraftJson(h: CraExportHeader, values: CraDraftValues): string {
  const missing = missingCraFields(h.kind, h.step, values);
  return JSON.stringify(
    {
      regulation: 'Regulation (EU) 2024/2847 (Cyber Resilience Act), Article 14',
      notification: CRA_STEP_LABELS[h.kind][h.step],
      article: CRA_STEP_ARTICLES[h.kind][h.step],
      kind: h.kind,
      step: h.step,
      reference: h.reference,
      program: h.program,
      awareAt: h.awareAt.toISOString(),
      dueAt: h.dueAt?.toISOString() ?? null,
      exportedAt: h.exportedAt.toISOString(),
      complete: missing.length === 0,
      missingRequired: missing.map((m) => m.key),
      fields: CRA_FIELDS[h.kind][h.step].map((field) => ({ key: field.key, label: field.label, article: field.article, required: field.required, value: values[field.key] ?? '' })),
    },
    null,
    2,
  );
}

/** Markdown text is the team's: fence it so nothing in it becomes a heading or link when rendered. */
function block(text: string): string {
  const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${fence}text\n${text}\n${fence}`;
}

/** The draft as a readable Markdown document; an incomplete draft says so at the top, naming the missing fields. */
export function craDraftMarkdown(h: CraExportHeader, values: CraDraftValues): string {
  const missing = missingCraFields(h.kind, h.step, values);
  const lines = [
    `# ${CRA_STEP_LABELS[h.kind][h.step]}: ${CRA_KIND_LABELS[h.kind].toLowerCase()} (${CRA_STEP_ARTICLES[h.kind][h.step]})`,
    '',
    `Regulation (EU) 2024/2847, Article 14. Report ${h.reference}, ${h.program}.`,
    '',
    `- Became aware: ${h.awareAt.toISOString()}`,
    `- Due: ${h.dueAt ? h.dueAt.toISOString() : 'no deadline yet'}`,
    `- Exported: ${h.exportedAt.toISOString()}`,
    '',
  ];
  if (missing.length) lines.push(`**INCOMPLETE: required fields not filled: ${missing.map((m) => m.label).join('; ')}.**`, '');
  for (const field of CRA_FIELDS[h.kind][h.step]) {
    lines.push(`## ${field.label}`, '', `_${field.article}${field.required ? ', required' : ''}_`, '');
    const value = values[field.key];
    lines.push(value ? block(value) : '(not filled)', '');
  }
  return lines.join('\n');
}

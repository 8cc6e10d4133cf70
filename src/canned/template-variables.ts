/**
 * The variables a canned response may use, filled server-side when a template
 * is inserted. Pure: the values come from the caller, and the result is plain
 * text that the page renderer escapes like any other value.
 */
export const TEMPLATE_VARIABLES = {
  reference: 'The report’s reference, e.g. EMB-2026-0001',
  title: 'The report’s title',
  reporterName: 'The reporter’s name or handle, or “there”',
  expectedResolutionDate: 'The expected resolution date promised to the reporter, or “not set yet”',
  policyUrl: 'The address of the disclosure policy',
  trackingHint: 'A sentence telling the reporter where to follow the report',
  programName: 'The program’s vendor name',
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Record<TemplateVariable, string>;

// Spaces inside the braces are tolerated: admins type them.
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

function isVariable(name: string): name is TemplateVariable {
  return Object.hasOwn(TEMPLATE_VARIABLES, name);
}

/** Placeholders of a template that are not known variables (a typo would otherwise reach the reporter). */
export function unknownVariables(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !isVariable(n)))];
}

/** The template with every known placeholder replaced; values are inserted verbatim, never re-expanded. */
export function fillTemplate(body: string, values: TemplateValues): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => (isVariable(name) ? values[name] : whole));
}

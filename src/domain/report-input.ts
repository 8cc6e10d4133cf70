import { z } from 'zod';
import { checkCvssVector } from './cvss.ts';
import { controlCharacterCode, controlCharacterMessage, firstControlCharacter } from './control-characters.ts';

/**
 * Refuses control characters with a message naming the first one; tab and line
 * breaks only where the field holds several lines. The issue's params carry the
 * character's name so the web form can word the message in the reader's language.
 */
const noControlCharacters =
  (multiline: boolean) =>
  (v: string, ctx: z.RefinementCtx<string>): void => {
    const ch = firstControlCharacter(v, multiline);
    if (ch !== undefined) ctx.addIssue({ code: 'custom', message: controlCharacterMessage(ch), params: { controlCharacter: controlCharacterCode(ch) } });
  };

/** Vulnerability classes offered on the form; "other" keeps the form honest. */
export const VULNERABILITY_TYPES = [
  ['xss', 'Cross-site scripting (XSS)'],
  ['sqli', 'SQL or other injection'],
  ['rce', 'Remote code execution'],
  ['auth', 'Authentication or authorisation bypass'],
  ['idor', 'Insecure direct object reference / access control'],
  ['csrf', 'Cross-site request forgery (CSRF)'],
  ['ssrf', 'Server-side request forgery (SSRF)'],
  ['info', 'Information disclosure'],
  ['memory', 'Memory corruption'],
  ['crypto', 'Cryptographic weakness'],
  ['dos', 'Denial of service'],
  ['config', 'Security misconfiguration'],
  ['other', 'Other'],
] as const;
export type VulnerabilityType = (typeof VULNERABILITY_TYPES)[number][0];
const vulnerabilityTypeIds = VULNERABILITY_TYPES.map(([id]) => id) as [VulnerabilityType, ...VulnerabilityType[]];

/** The optional declaration of AI assistance on the form. */
export const AI_ASSISTANCE_CHOICES = [
  ['no', 'No'],
  ['writing', 'Yes, for writing the report'],
  ['finding', 'Yes, for finding the vulnerability'],
] as const;

export const CREDIT_CHOICES = [
  ['name', 'Credit me by my name'],
  ['handle', 'Credit me by my handle'],
  ['anonymous', 'Credit “an anonymous researcher”'],
  ['none', 'Do not credit me'],
] as const;

/**
 * The report form's choices: "given" resolves, when the report is stored, to
 * the name or the handle given, or to anonymous when neither is, so a program
 * that credits unless the reporter declines can preselect it.
 */
export const SUBMISSION_CREDIT_CHOICES = [['given', 'Credit me by the name or handle I give (as “an anonymous researcher” if I give neither)'], ...CREDIT_CHOICES] as const;

/** Trim, and turn an empty field into undefined so optional means optional. */
const optionalText = (max: number, label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z.string().superRefine(noControlCharacters(false)).max(max, `${label} is too long (at most ${max} characters).`).optional(),
  );
/** `multiline`: the field is a text area, where tab and line breaks are typed. */
const requiredText = (min: number, max: number, label: string, hint: string, multiline = false) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: `${label} is required.` })
      .superRefine(noControlCharacters(multiline))
      .min(1, `${label} is required. ${hint}`)
      .min(min, `${label} is too short (at least ${min} characters). ${hint}`)
      .max(max, `${label} is too long (at most ${max} characters).`),
  );

/**
 * The reporter-facing part of a report, shared by the web form and (later) the API. Built once
 * per product list: building the schema cost more than validating a submission with it.
 */
export function reportSubmissionSchema(productIds: readonly string[]): ReturnType<typeof buildSubmissionSchema> {
  const key = productIds.join('\0');
  let schema = submissionSchemas.get(key);
  if (!schema) {
    schema = buildSubmissionSchema(productIds);
    // Programs are few; a changed product list makes a new entry, so bound the memo.
    if (submissionSchemas.size >= 100) submissionSchemas.clear();
    submissionSchemas.set(key, schema);
  }
  return schema;
}
const submissionSchemas = new Map<string, ReturnType<typeof buildSubmissionSchema>>();

function buildSubmissionSchema(productIds: readonly string[]) {
  return z
    .object({
      title: requiredText(5, 200, 'Title', 'Summarise the problem in one line.'),
      product: z.enum(['other', ...productIds] as [string, ...string[]], { error: 'Choose the affected product.' }),
      productVersion: requiredText(1, 100, 'Affected version', 'Write “unknown” if you are not sure.'),
      vulnerabilityType: z.enum(vulnerabilityTypeIds, { error: 'Choose the kind of vulnerability.' }),
      description: requiredText(20, 50_000, 'Description', 'Describe the vulnerability.', true),
      stepsToReproduce: requiredText(10, 50_000, 'Steps to reproduce', 'List the steps we need to see the problem.', true),
      impact: requiredText(10, 20_000, 'Impact', 'Say what an attacker could achieve.', true),
      cvssVector: optionalText(300, 'CVSS vector').superRefine((v, ctx) => {
        if (v === undefined) return;
        const check = checkCvssVector(v);
        if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message });
      }),
      reporterName: optionalText(200, 'Name'),
      reporterHandle: optionalText(100, 'Handle'),
      reporterEmail: optionalText(320, 'E-mail').pipe(
        z.string().email('This is not an e-mail address. Leave it empty to stay anonymous.').optional(),
      ),
      creditPreference: z.enum(['given', 'name', 'handle', 'anonymous', 'none'], { error: 'Choose how we may credit you.' }),
      // Optional and unjudged on its own: an honest answer must not cost the reporter (src/triage/spam-signals.ts).
      aiAssistance: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['no', 'writing', 'finding'], { error: 'Choose one of the listed answers.' }).optional()),
      acceptPolicy: z.literal('yes', { error: 'Please read and accept the disclosure policy.' }),
      policyVersion: z.coerce.number().int().positive(),
    })
    .superRefine((r, ctx) => {
      if (r.creditPreference === 'name' && !r.reporterName) {
        ctx.addIssue({ code: 'custom', path: ['reporterName'], message: 'Give the name to credit, or choose another credit option.' });
      }
      if (r.creditPreference === 'handle' && !r.reporterHandle) {
        ctx.addIssue({ code: 'custom', path: ['reporterHandle'], message: 'Give the handle to credit, or choose another credit option.' });
      }
    });
}

/**
 * The credit choice a report gets when the reporter has not chosen (the form's
 * preselection, a mailed report): what the program's policy promises. "unless-declined"
 * credits the name or handle given ("given"); "on-request" credits nobody until asked.
 */
export function defaultCreditChoice(policy: 'unless-declined' | 'on-request'): 'given' | 'none' {
  return policy === 'unless-declined' ? 'given' : 'none';
}

/** What a submission's "given" means: the name, else the handle, else anonymous; any other choice stands as made. */
export function resolveCredit(input: Pick<ReportSubmission, 'creditPreference' | 'reporterName' | 'reporterHandle'>): 'name' | 'handle' | 'anonymous' | 'none' {
  if (input.creditPreference !== 'given') return input.creditPreference;
  return input.reporterName ? 'name' : input.reporterHandle ? 'handle' : 'anonymous';
}
export type ReportSubmission = z.infer<ReturnType<typeof reportSubmissionSchema>>;

/** The reporter's credit choice, changed from the tracking page. */
export const creditFormSchema = z.object({
  creditPreference: z.enum(['name', 'handle', 'anonymous', 'none'], { error: 'Choose how we may credit you.' }),
  reporterName: optionalText(200, 'Name'),
  reporterHandle: optionalText(100, 'Handle'),
});

/** A message in the thread from either side. */
export const messageBodySchema = requiredText(1, 50_000, 'Message', 'Write something before sending.', true);

/** zod issues → { field: first message }, for forms that keep what was typed. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '_form');
    out[key] ??= issue.message;
  }
  return out;
}

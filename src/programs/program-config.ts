import { z } from 'zod';
import { calendarConfigSchema } from '../calendar/calendar-config.ts';
import { LANGUAGES, languageSchema } from '../i18n/languages.ts';
import { slaTargetsSchema } from '../sla/sla-targets.ts';

/** One product in a program's scope; `id` is what reports store. */
export const productSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1).max(200),
});

/** Markdown policy sections; rendered without raw HTML. */
export const policySectionsSchema = z.object({
  introduction: z.string().min(1),
  /** Optional "guiding principles" the vendor commits to. */
  principles: z.string().default(''),
  researcherRules: z.string().min(1),
  promises: z.string().min(1),
  scope: z.string().default(''),
  rewards: z.string().default(''),
  customerNotification: z.string().default(''),
  privacy: z.string().default(''),
});

/** A disclosure program as an operator declares it in embargo.config.json. */
export const programConfigSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1).max(200),
  vendor: z.string().min(1).max(200),
  /** Prefix of report references, e.g. EMB → EMB-2026-0001. */
  referencePrefix: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, '2–10 uppercase letters or digits'),
  contactEmail: z.string().email(),
  /**
   * Host names whose public pages are this program's (security.txt, key, policy, advisories, feeds,
   * report form, tracking pages), e.g. ["security.vendor-a.example"]; the first one is the program's
   * public address in links, mails and feeds (scheme and port of EMBARGO_BASE_URL). A host named by
   * no program shows the first program of the file. Absent: EMBARGO_BASE_URL's host.
   */
  hostnames: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, 'a host name such as security.example.com (no scheme, port or path)'),
    )
    .default([]),
  products: z.array(productSchema).min(1),
  /**
   * Response-time promises (src/sla/sla-targets.ts). Only firstResponseBusinessDays is required,
   * so configs written before the other clocks existed still load unchanged.
   */
  sla: slaTargetsSchema,
  /**
   * The business calendar the SLA clocks count on (src/calendar/calendar-config.ts). prefault, not
   * default: an absent calendar is parsed as { timeZone: 'UTC' }, so its own defaults (Monday to
   * Friday, 09:00–17:00) apply instead of being skipped.
   */
  calendar: calendarConfigSchema.prefault({ timeZone: 'UTC' }),
  /**
   * When customers hear before the fix: if the fix is expected to take longer
   * than this many hours and the severity is at least this high. Absent: only after the fix.
   */
  earlyCustomerNotice: z
    .object({ fixExpectedBeyondHours: z.number().int().positive(), minSeverity: z.enum(['low', 'medium', 'high', 'critical']) })
    .optional(),
  /**
   * When the vendor is a CVE Numbering Authority: its organisation UUID in the CVE program, which
   * every CVE JSON 5 record names. Absent: advisories have no /advisories/<id>.cve.json.
   */
  cveNumberingAuthority: z.object({ orgId: z.string().uuid() }).optional(),
  /**
   * CSAF 2.0 publisher and provider settings (docs/advisories.md); every field has a default:
   * the vendor, the instance's URL, "vendor", the contact address, listed and mirrored.
   */
  csaf: z
    .object({
      publisherName: z.string().min(1).max(200).optional(),
      namespace: z.string().url().regex(/^https?:\/\//, 'an http(s) URL').optional(),
      // Not "translator": CSAF then asks for the source language (mandatory test 6.1.15), and Embargo does not translate.
      category: z.enum(['coordinator', 'discoverer', 'other', 'user', 'vendor']).optional(),
      contactDetails: z.string().min(1).max(1000).optional(),
      issuingAuthority: z.string().min(1).max(2000).optional(),
      listOnAggregators: z.boolean().optional(),
      mirrorOnAggregators: z.boolean().optional(),
    })
    .strict()
    .optional(),
  /** Publish a thanks page ("hall of fame") of consenting reporters. */
  thanksPage: z.boolean().default(true),
  /**
   * Who is credited when the reporter does not say: "unless-declined" (the policy credits the
   * discoverer unless they ask otherwise: by the name or handle they give) or "on-request"
   * (nobody is credited until they ask). Decides the report form's preselected choice.
   */
  credit: z.enum(['unless-declined', 'on-request']).default('unless-declined'),
  /** security.txt (RFC 9116) settings; absent fields take the defaults in src/domain/security-txt.ts. */
  securityTxt: z
    .object({
      /** Contact lines in order of preference: "email" (mailto:contactEmail) and "form" (the /report page). Leave one out to omit it. */
      contactOrder: z
        .array(z.enum(['email', 'form']))
        .min(1)
        .max(2)
        .refine((a) => new Set(a).size === a.length, 'each contact at most once')
        .optional(),
      /** Preferred-Languages: language tags (RFC 5646), e.g. ["en", "nl"]. */
      preferredLanguages: z
        .array(z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a language tag such as en or pt-BR'))
        .min(1)
        .optional(),
    })
    .optional(),
  /** Mail to reporters (src/mail); absent: the defaults below. */
  mail: z
    .object({
      /**
       * What mail to a reporter without an OpenPGP key may say: "notice" (that something changed,
       * and where to read it) or "full" (team replies quoted, state-change reasons). Encrypted mail is always full.
       */
      unencryptedDetails: z.enum(['notice', 'full']).default('notice'),
    })
    .optional(),
  /**
   * The languages of the public face and of mail to reporters and subscribers (docs/languages.md):
   * `offered` (default: every shipped language) are the ones a visitor can choose and security.txt
   * lists; `default` is used when neither the visitor's choice nor Accept-Language picks one.
   */
  languages: z
    .object({
      default: languageSchema.default('en'),
      offered: z
        .array(languageSchema)
        .min(1)
        .refine((a) => new Set(a).size === a.length, 'each language at most once')
        .default([...LANGUAGES]),
    })
    .refine((l) => l.offered.includes(l.default), { message: 'the default language must be one of the offered languages', path: ['default'] })
    .prefault({}),
  policy: policySectionsSchema,
  /**
   * The policy in other languages, section by section (same sections as `policy`). The public
   * policy page shows the reader's language when it is here, else `policy`; `policy` is in the
   * default language. Each is published with the policy version (docs/languages.md).
   */
  policyTranslations: z.object(Object.fromEntries(LANGUAGES.map((l) => [l, policySectionsSchema.optional()])) as Record<(typeof LANGUAGES)[number], z.ZodOptional<typeof policySectionsSchema>>).strict().optional(),
});

export type ProgramConfig = z.infer<typeof programConfigSchema>;
/** What an operator may write (defaults not yet applied). */
export type ProgramConfigInput = z.input<typeof programConfigSchema>;
export type PolicySections = z.infer<typeof policySectionsSchema>;

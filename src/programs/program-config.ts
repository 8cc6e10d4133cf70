import { z } from 'zod';

/** One product in a program's scope; `id` is what reports store. */
export const productSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1).max(200),
});

/** Markdown policy sections; rendered without raw HTML. */
export const policySectionsSchema = z.object({
  introduction: z.string().min(1),
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
  products: z.array(productSchema).min(1),
  sla: z.object({ firstResponseBusinessDays: z.number().int().min(1).max(60) }),
  policy: policySectionsSchema,
});

export type ProgramConfig = z.infer<typeof programConfigSchema>;
export type PolicySections = z.infer<typeof policySectionsSchema>;

import { z } from 'zod';

/**
 * SSVC (Stakeholder-Specific Vulnerability Categorization, CERT/CC) for a
 * supplier: how urgently to develop the fix. Decision points and outcomes of
 * the "Supplier Patch Development Priority" table (SSVC data 1.0.0), with
 * Utility derived from Automatable and Value Density. Pure; tested against
 * the published table's rows.
 */
export const EXPLOITATION = ['none', 'public-poc', 'active'] as const;
export const AUTOMATABLE = ['no', 'yes'] as const;
export const VALUE_DENSITY = ['diffuse', 'concentrated'] as const;
export const TECHNICAL_IMPACT = ['partial', 'total'] as const;
export const PUBLIC_SAFETY_IMPACT = ['minimal', 'significant'] as const;
export const PRIORITIES = ['defer', 'scheduled', 'out-of-cycle', 'immediate'] as const;

export type Utility = 'laborious' | 'efficient' | 'super-effective';
export type SsvcPriority = (typeof PRIORITIES)[number];

export const ssvcInputSchema = z.object({
  exploitation: z.enum(EXPLOITATION, { error: 'Choose the state of exploitation.' }),
  automatable: z.enum(AUTOMATABLE, { error: 'Choose whether exploitation can be automated.' }),
  valueDensity: z.enum(VALUE_DENSITY, { error: 'Choose the value density.' }),
  technicalImpact: z.enum(TECHNICAL_IMPACT, { error: 'Choose the technical impact.' }),
  publicSafetyImpact: z.enum(PUBLIC_SAFETY_IMPACT, { error: 'Choose the public safety impact.' }),
});
export type SsvcInput = z.infer<typeof ssvcInputSchema>;
export interface SsvcDecision extends SsvcInput {
  utility: Utility;
  priority: SsvcPriority;
}

export function utilityOf(automatable: SsvcInput['automatable'], valueDensity: SsvcInput['valueDensity']): Utility {
  if (automatable === 'yes' && valueDensity === 'concentrated') return 'super-effective';
  if (automatable === 'no' && valueDensity === 'diffuse') return 'laborious';
  return 'efficient';
}

// Outcome per exploitation → utility → technical impact, as [minimal, significant] public safety impact.
type Row = readonly [SsvcPriority, SsvcPriority];
const TABLE: Record<SsvcInput['exploitation'], Record<Utility, Record<SsvcInput['technicalImpact'], Row>>> = {
  none: {
    laborious: { partial: ['defer', 'scheduled'], total: ['scheduled', 'out-of-cycle'] },
    efficient: { partial: ['scheduled', 'out-of-cycle'], total: ['scheduled', 'out-of-cycle'] },
    'super-effective': { partial: ['scheduled', 'out-of-cycle'], total: ['out-of-cycle', 'out-of-cycle'] },
  },
  'public-poc': {
    laborious: { partial: ['scheduled', 'out-of-cycle'], total: ['scheduled', 'immediate'] },
    efficient: { partial: ['scheduled', 'immediate'], total: ['out-of-cycle', 'immediate'] },
    'super-effective': { partial: ['out-of-cycle', 'immediate'], total: ['out-of-cycle', 'immediate'] },
  },
  active: {
    laborious: { partial: ['out-of-cycle', 'immediate'], total: ['out-of-cycle', 'immediate'] },
    efficient: { partial: ['out-of-cycle', 'immediate'], total: ['out-of-cycle', 'immediate'] },
    'super-effective': { partial: ['immediate', 'immediate'], total: ['immediate', 'immediate'] },
  },
};

/** The supplier's patch development priority for the given decision points. */
export function decideSsvc(input: SsvcInput): SsvcDecision {
  const utility = utilityOf(input.automatable, input.valueDensity);
  const row = TABLE[input.exploitation][utility][input.technicalImpact];
  return { ...input, utility, priority: row[input.publicSafetyImpact === 'minimal' ? 0 : 1] };
}

export const PRIORITY_LABELS: Record<SsvcPriority, string> = {
  defer: 'Defer',
  scheduled: 'Scheduled (next regular release)',
  'out-of-cycle': 'Out of cycle (release as soon as the fix is ready)',
  immediate: 'Immediate (all hands, release now)',
};

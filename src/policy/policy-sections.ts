import type { PolicySections } from '../programs/program-config.ts';

/** Policy sections in reading order, with their public headings. */
export const POLICY_SECTIONS: readonly (readonly [keyof PolicySections, string])[] = [
  ['introduction', 'Introduction'],
  ['principles', 'Guiding principles'],
  ['researcherRules', 'What we ask of you'],
  ['promises', 'What we promise'],
  ['scope', 'Scope'],
  ['rewards', 'Rewards'],
  ['customerNotification', 'How we inform customers'],
  ['privacy', 'Privacy notice'],
];

/** Sections that every published policy must have. */
export const REQUIRED_SECTIONS: readonly (keyof PolicySections)[] = ['introduction', 'researcherRules', 'promises'];

import type { ProgramConfig } from './program-config.ts';

/**
 * The program a fresh install starts with when no embargo.config.json exists,
 * so every page shows a real policy. Modelled on the promises real vendors make.
 */
export const demoProgram: ProgramConfig = {
  slug: 'example',
  name: 'Example Corp coordinated vulnerability disclosure',
  vendor: 'Example Corp',
  referencePrefix: 'EMB',
  contactEmail: 'security@example.com',
  hostnames: [],
  // Every shipped language; English when the visitor does not say (docs/languages.md).
  languages: { default: 'en', offered: ['en', 'sv', 'it'] },
  products: [
    { id: 'example-gateway', name: 'Example Gateway' },
    { id: 'example-cloud', name: 'Example Cloud' },
    { id: 'example-mobile', name: 'Example Mobile app' },
  ],
  // Every clock the SLA engine knows, so a fresh install shows them all on the report page.
  sla: {
    firstResponseBusinessDays: 3,
    // The policy below promises an evaluation and an expected resolution date, so only sending them keeps it.
    firstResponse: 'evaluation-and-date',
    triageBusinessDays: 10,
    remediationDays: { critical: 7, high: 30, medium: 90, low: 180 },
    noUpdateNudgeDays: 14,
    nearBreach: { fractionLeft: 0.25 },
  },
  // The policy text follows the Dutch coordinated-disclosure template, so the demo office sits in
  // Amsterdam: a real zone with DST and national holidays shows what the clocks do, where UTC would hide it.
  calendar: {
    timeZone: 'Europe/Amsterdam',
    country: 'NL',
    holidayTypes: ['public', 'bank'],
    workingDays: [1, 2, 3, 4, 5],
    businessHours: { opens: '09:00', closes: '17:00' },
    closures: [],
  },
  thanksPage: true,
  // The policy: "we will credit you as its discoverer, unless you ask us not to".
  credit: 'unless-declined',
  policy: {
    principles: '',
    introduction:
      'At Example Corp we consider the security of our systems and products a top priority. ' +
      'No matter how much effort we put into security, vulnerabilities can remain. If you find one, ' +
      'we want to know about it so we can fix it as quickly as possible.',
    researcherRules: [
      '- **Report it to us** through the form on this site or by e-mail, encrypted with our PGP key.',
      '- **Do not take advantage of the vulnerability**, for example by downloading more data than necessary to demonstrate it, or by deleting or modifying other people’s data.',
      '- **Do not reveal the problem** to others until it has been resolved.',
      '- **Do not attack** physical security, and do not use social engineering, distributed denial of service, spam or third-party applications.',
      '- **Provide sufficient information** to reproduce the problem, so we can resolve it as quickly as possible.',
    ].join('\n'),
    promises: [
      '- We will respond to your report {{firstResponsePromise}}.',
      '- If you have followed the instructions above, we will not take any legal action against you in regard to the report.',
      '- We will handle your report with strict confidentiality, and not pass on your personal details to third parties without your permission.',
      '- We will keep you informed of the progress towards resolving the problem.',
      '- In the public information concerning the problem, we will credit you as its discoverer, unless you ask us not to.',
    ].join('\n'),
    scope: 'All products listed in the report form, in their currently supported versions.',
    rewards: 'We do not have a monetary rewards program or a bug bounty.',
    customerNotification:
      'We tell customers about every incident that affects them, usually once it is fixed; earlier if the fix is far off and the risk is high.',
    privacy:
      'When you send us a report, you consent to us storing and processing your name and contact details for handling it. ' +
      'You may ask us to export or erase them at any time.',
  },
};

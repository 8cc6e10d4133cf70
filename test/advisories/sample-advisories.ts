import type { Advisory } from '../../src/advisories/advisory.ts';

/** A full advisory: every optional part filled, hostile-looking text included. */
export function fullAdvisory(overrides: Partial<Advisory> = {}): Advisory {
  return {
    id: 'EMB-SA-2026-0007',
    publisher: { name: 'Example Corp', baseUrl: 'https://security.example.com', contactEmail: 'security@example.com' },
    title: 'Stored XSS in the Example Gateway admin console',
    summary: 'An authenticated user could store a script in a device name that runs in an administrator\'s browser. Update to 2.4.1.',
    details: 'The device name field was rendered without escaping: `<script>alert(1)</script>` & "quotes" ran in the console.\n\nFound by an external researcher.',
    mitigation: 'Restrict console access to trusted administrators until you can update.',
    cveId: 'CVE-2026-12345',
    cwe: { id: 79, name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" },
    cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N', score: 8.7, severity: 'high' },
    products: [
      { productId: 'gateway', name: 'Example Gateway', introduced: '2.0.0', fixed: '2.4.1', package: null },
      { productId: 'gateway-sdk', name: 'Example Gateway SDK', introduced: null, fixed: '1.9.3', package: { ecosystem: 'npm', name: '@example/gateway-sdk', purl: 'pkg:npm/%40example/gateway-sdk' } },
    ],
    credits: [
      { name: 'Ada Lovelace', role: 'finder' },
      { name: 'Example Corp PSIRT', role: 'coordinator' },
    ],
    references: [{ url: 'https://example.com/releases/2.4.1', summary: 'Release notes 2.4.1' }],
    revisions: [
      { number: 1, date: '2026-11-20T10:00:00.000Z', summary: 'Initial release' },
      { number: 2, date: '2026-11-22T08:30:00.000Z', summary: 'Added the SDK fix' },
    ],
    initialReleaseDate: '2026-11-20T10:00:00.000Z',
    currentReleaseDate: '2026-11-22T08:30:00.000Z',
    ...overrides,
  };
}

/** The least an advisory can be: no CVE, no score, no CWE, no credits, no fix yet, one revision. */
export function minimalAdvisory(overrides: Partial<Advisory> = {}): Advisory {
  return {
    id: 'EMB-SA-2026-0001',
    publisher: { name: 'Example Corp', baseUrl: 'https://security.example.com', contactEmail: 'security@example.com' },
    title: 'Denial of service in the sync service',
    summary: 'A crafted request crashes the sync service.',
    details: '',
    mitigation: '',
    cveId: null,
    cwe: null,
    cvss: null,
    products: [{ productId: 'sync', name: 'Example Sync', introduced: null, fixed: null, package: null }],
    credits: [],
    references: [],
    revisions: [{ number: 1, date: '2026-11-21T12:00:00.000Z', summary: 'Initial release' }],
    initialReleaseDate: '2026-11-21T12:00:00.000Z',
    currentReleaseDate: '2026-11-21T12:00:00.000Z',
    ...overrides,
  };
}

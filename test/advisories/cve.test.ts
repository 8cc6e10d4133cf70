import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Advisory } from '../../src/advisories/advisory.ts';
import { AdvisoryWithoutCveError, markdownToPlain, renderCveCnaContainer, renderCveRecord, renderCveRequest } from '../../src/advisories/render-cve.ts';
import { requireCvssScore } from '../../src/domain/cvss-score.ts';
import { fullAdvisory, minimalAdvisory } from './sample-advisories.ts';

// The CVE Services schemas (draft-07), from ../shared beside the repository; compiled once for the file.
const load = (file: string) => JSON.parse(readFileSync(new URL(`../../../shared/conformance/cve-5.1/${file}`, import.meta.url), 'utf8'));
// strict: false because the bundled schemas embed CVSS sub-schemas with their own (draft-04) $schema and annotations Ajv's strict mode lints.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
/** Validates the body CVE Services take for a published CNA container: `{ cnaContainer }`. */
const validateContainer = ajv.compile(load('5.1_published_cna_container.json'));
const validateRecord = ajv.compile(load('CVE_JSON_5.1_bundled.json'));

const orgId = 'b3476cb9-2e3d-41a6-98d0-0f47421a65b6';
const opts = { orgId };

function assertValid(validate: typeof validateRecord, value: unknown): void {
  assert.ok(validate(value), JSON.stringify(validate.errors, null, 2));
}

/** Both shapes of one advisory, each against its schema. */
function renderBoth(a: Advisory) {
  const container = renderCveCnaContainer(a, opts);
  const record = renderCveRecord(a, opts);
  assertValid(validateContainer, { cnaContainer: container });
  assertValid(validateRecord, record);
  assert.deepEqual(record.containers.cna, container);
  return { container, record };
}

const cvss40: Advisory['cvss'] = { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3, severity: 'critical' };

describe('CVE JSON 5.1', () => {
  it('a vendor that is not a CNA gets a filled-in CVE request: the CNA container but its providerMetadata, and the same as text', () => {
    const a = fullAdvisory({ cveId: null, cvss: cvss40, cvssScores: [cvss40!, fullAdvisory().cvss!] });
    const { container, text } = renderCveRequest(a, { published: false });
    assert.equal('providerMetadata' in container, false, 'the CNA names itself');
    // With the CNA's providerMetadata it is exactly what CVE Services take.
    assertValid(validateContainer, { cnaContainer: { providerMetadata: { orgId }, ...container } });
    assert.equal(container.metrics?.length, 2);
    for (const expected of [
      'CVE request for EMB-SA-2026-0007: Stored XSS in the Example Gateway admin console',
      'Requester / vendor: Example Corp (security@example.com)',
      "Vulnerability type: CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
      '- Example Gateway: 2.0.0 up to, not including, 2.4.1 (fixed in 2.4.1)',
      '- Example Gateway SDK: before 1.9.3 (fixed in 1.9.3) [pkg:npm/%40example/gateway-sdk]',
      'Severity: CVSS 4.0 9.3 (critical) CVSS:4.0/',
      '- Ada Lovelace (finder)',
      '- https://example.com/releases/2.4.1',
      'not yet public; please keep it embargoed',
    ]) assert.ok(text.includes(expected), `text has: ${expected}\n${text}`);
    assert.match(renderCveRequest(a, { published: true }).text, /Publication: published 2026-11-20/);
  });

  it('the full advisory is a valid CNA container and a valid published record', () => {
    const a = fullAdvisory();
    const { container: c, record } = renderBoth(a);
    assert.deepEqual(record.cveMetadata, {
      cveId: 'CVE-2026-12345',
      assignerOrgId: orgId,
      state: 'PUBLISHED',
      datePublished: '2026-11-20T10:00:00.000Z',
      dateUpdated: '2026-11-22T08:30:00.000Z',
    });
    assert.equal(record.dataType, 'CVE_RECORD');
    assert.equal(record.dataVersion, '5.1');
    assert.deepEqual(c.providerMetadata, { orgId, dateUpdated: '2026-11-22T08:30:00.000Z' });
    assert.equal(c.title, a.title);
    assert.equal(c.datePublic, '2026-11-20T10:00:00.000Z');
    assert.deepEqual(c.affected, [
      { vendor: 'Example Corp', product: 'Example Gateway', defaultStatus: 'unaffected', versions: [{ version: '2.0.0', status: 'affected', versionType: 'custom', lessThan: '2.4.1' }] },
      { vendor: 'Example Corp', product: 'Example Gateway SDK', defaultStatus: 'unaffected', versions: [{ version: '0', status: 'affected', versionType: 'custom', lessThan: '1.9.3' }] },
    ]);
    assert.deepEqual(c.problemTypes, [
      { descriptions: [{ lang: 'en', type: 'CWE', cweId: 'CWE-79', description: "CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" }] },
    ]);
    assert.deepEqual(c.credits, [
      { lang: 'en', value: 'Ada Lovelace', type: 'finder' },
      { lang: 'en', value: 'Example Corp PSIRT', type: 'coordinator' },
    ]);
    assert.deepEqual(c.references, [
      { url: 'https://security.example.com/advisories/EMB-SA-2026-0007', name: 'EMB-SA-2026-0007: Stored XSS in the Example Gateway admin console', tags: ['vendor-advisory'] },
      { url: 'https://example.com/releases/2.4.1', name: 'Release notes 2.4.1' },
    ]);
    assert.deepEqual(c.workarounds, [{ lang: 'en', value: 'Restrict console access to trusted administrators until you can update.' }]);
    assert.deepEqual(c.solutions, [{ lang: 'en', value: 'Update Example Gateway to 2.4.1 or later.\nUpdate Example Gateway SDK to 1.9.3 or later.' }]);
  });

  it('the description is the summary and the details as plain text', () => {
    const [description] = renderCveCnaContainer(fullAdvisory(), opts).descriptions;
    assert.deepEqual(description, {
      lang: 'en',
      value:
        "An authenticated user could store a script in a device name that runs in an administrator's browser. Update to 2.4.1.\n\n" +
        'The device name field was rendered without escaping: <script>alert(1)</script> & "quotes" ran in the console.\n\n' +
        'Found by an external researcher.',
    });
  });

  it('the CVSS 3.1 metrics restate the vector property by property, with the team score', () => {
    const { container } = renderBoth(fullAdvisory());
    assert.deepEqual(container.metrics, [
      {
        format: 'CVSS',
        scenarios: [{ lang: 'en', value: 'GENERAL' }],
        cvssV3_1: {
          version: '3.1',
          vectorString: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N',
          baseScore: 8.7,
          baseSeverity: 'HIGH',
          attackVector: 'NETWORK',
          attackComplexity: 'LOW',
          privilegesRequired: 'LOW',
          userInteraction: 'REQUIRED',
          scope: 'CHANGED',
          confidentialityImpact: 'HIGH',
          integrityImpact: 'HIGH',
          availabilityImpact: 'NONE',
        },
      },
    ]);
  });

  it('temporal and environmental 3.1 metrics are decoded too, Not Defined included', () => {
    const vector = 'CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:H/E:P/RL:X/RC:C/CR:H/MAV:P/MS:C/MA:N';
    const { container } = renderBoth(fullAdvisory({ cvss: { version: '3.1', vector, score: 5.9, severity: 'medium' } }));
    assert.deepEqual(container.metrics?.[0]?.cvssV3_1, {
      version: '3.1', vectorString: vector, baseScore: 5.9, baseSeverity: 'MEDIUM',
      attackVector: 'ADJACENT_NETWORK', attackComplexity: 'HIGH', privilegesRequired: 'NONE', userInteraction: 'NONE', scope: 'UNCHANGED',
      confidentialityImpact: 'LOW', integrityImpact: 'NONE', availabilityImpact: 'HIGH',
      exploitCodeMaturity: 'PROOF_OF_CONCEPT', remediationLevel: 'NOT_DEFINED', reportConfidence: 'CONFIRMED',
      confidentialityRequirement: 'HIGH', modifiedAttackVector: 'PHYSICAL', modifiedScope: 'CHANGED', modifiedAvailabilityImpact: 'NONE',
    });
  });

  it('an advisory with a 3.1 and a 4.0 score carries both, one metrics entry each', () => {
    const { container } = renderBoth(fullAdvisory({ cvss: cvss40, cvssScores: [cvss40!, fullAdvisory().cvss!] }));
    assert.equal(container.metrics?.length, 2);
    assert.equal(container.metrics![0]!.cvssV4_0?.vectorString, cvss40!.vector);
    assert.equal(container.metrics![0]!.cvssV4_0?.baseScore, 9.3);
    assert.equal(container.metrics![1]!.cvssV3_1?.vectorString, 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N');
    assert.equal(container.metrics![1]!.cvssV3_1?.baseScore, 8.7);
  });

  it('a CVSS 4.0 score becomes a cvssV4_0 object', () => {
    const { container } = renderBoth(fullAdvisory({ cvss: cvss40 }));
    assert.deepEqual(container.metrics?.[0], {
      format: 'CVSS',
      scenarios: [{ lang: 'en', value: 'GENERAL' }],
      cvssV4_0: {
        version: '4.0',
        vectorString: cvss40!.vector,
        baseScore: 9.3,
        baseSeverity: 'CRITICAL',
        attackVector: 'NETWORK',
        attackComplexity: 'LOW',
        attackRequirements: 'NONE',
        privilegesRequired: 'NONE',
        userInteraction: 'NONE',
        vulnConfidentialityImpact: 'HIGH',
        vulnIntegrityImpact: 'HIGH',
        vulnAvailabilityImpact: 'HIGH',
        subConfidentialityImpact: 'NONE',
        subIntegrityImpact: 'NONE',
        subAvailabilityImpact: 'NONE',
      },
    });
  });

  it('a 4.0 vector with threat, environmental and supplemental metrics keeps them, with the base score as baseScore', () => {
    const vector = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MAT:P/MSI:S/S:P/AU:Y/R:I/V:C/RE:M/U:Amber';
    const bte = requireCvssScore(vector);
    assert.ok(bte.score < 9.3, 'the advisory carries the lower CVSS-BTE score');
    const { container } = renderBoth(fullAdvisory({ cvss: { version: '4.0', vector, score: bte.score, severity: 'high' } }));
    const m = container.metrics?.[0]?.cvssV4_0;
    assert.equal(m?.baseScore, 9.3);
    assert.equal(m?.baseSeverity, 'CRITICAL');
    assert.deepEqual(
      { E: m?.exploitMaturity, MAT: m?.modifiedAttackRequirements, MSI: m?.modifiedSubIntegrityImpact, S: m?.Safety, AU: m?.Automatable, R: m?.Recovery, V: m?.valueDensity, RE: m?.vulnerabilityResponseEffort, U: m?.providerUrgency },
      { E: 'UNREPORTED', MAT: 'PRESENT', MSI: 'SAFETY', S: 'PRESENT', AU: 'YES', R: 'IRRECOVERABLE', V: 'CONCENTRATED', RE: 'MODERATE', U: 'AMBER' },
    );
  });

  it('an advisory without a CVE id has no CVE record: a typed error', () => {
    for (const render of [renderCveCnaContainer, renderCveRecord]) {
      assert.throws(() => render(minimalAdvisory(), opts), (err: unknown) => {
        assert.ok(err instanceof AdvisoryWithoutCveError);
        assert.equal(err.code, 'advisory_without_cve');
        assert.equal(err.advisoryId, 'EMB-SA-2026-0001');
        return true;
      });
    }
  });

  it('the minimal advisory with a CVE id is valid: an unfixed product is affected from "0" to "*"', () => {
    const { container: c } = renderBoth(minimalAdvisory({ cveId: 'CVE-2026-0001' }));
    assert.deepEqual(c.affected, [
      { vendor: 'Example Corp', product: 'Example Sync', defaultStatus: 'unaffected', versions: [{ version: '0', status: 'affected', versionType: 'custom', lessThan: '*' }] },
    ]);
    assert.deepEqual(c.descriptions, [{ lang: 'en', value: 'A crafted request crashes the sync service.' }]);
    for (const absent of ['problemTypes', 'metrics', 'workarounds', 'solutions', 'credits'] as const) assert.equal(c[absent], undefined, absent);
  });

  it('rows of one product share one affected entry; every credit role maps', () => {
    const roles = ['finder', 'reporter', 'coordinator', 'remediation_developer', 'other'] as const;
    const { container: c } = renderBoth(fullAdvisory({
      products: [
        { productId: 'gw', name: 'Gateway', introduced: '1.0', fixed: '1.9.3', package: null },
        { productId: 'gw', name: 'Gateway', introduced: '2.0', fixed: null, package: null },
      ],
      credits: roles.map((role) => ({ name: `Person ${role}`, role })),
    }));
    assert.deepEqual(c.affected, [
      {
        vendor: 'Example Corp', product: 'Gateway', defaultStatus: 'unaffected',
        versions: [
          { version: '1.0', status: 'affected', versionType: 'custom', lessThan: '1.9.3' },
          { version: '2.0', status: 'affected', versionType: 'custom', lessThan: '*' },
        ],
      },
    ]);
    assert.deepEqual(c.credits?.map((cr) => cr.type), ['finder', 'reporter', 'coordinator', 'remediation developer', 'other']);
  });

  it('long details are cut within the schema limit, pointing to the full advisory', () => {
    const details = Array.from({ length: 800 }, (_, i) => `Sentence ${i} of the details.`).join(' ');
    const { container } = renderBoth(fullAdvisory({ details }));
    const value = container.descriptions[0]!.value;
    assert.ok(value.length <= 4096, `${value.length}`);
    assert.ok(value.endsWith('… (continued in the full advisory: https://security.example.com/advisories/EMB-SA-2026-0007)'));
  });

  it('hostile text stays valid and plain', () => {
    const { container: c } = renderBoth(fullAdvisory({
      title: `</title><script>alert(1)</script>& "quoted"\n'single'\u0000\u001b ${'x'.repeat(300)}`,
      summary: '<img src=x onerror=alert(1)> \u0007',
      details: '# Heading\n\n<script>alert(2)</script>\n\n1. one\n2. [two](https://example.com/?a=1&b=2)\n\n```\ncode\n```',
      publisher: { name: 'Ex & <Co> "Q"', baseUrl: 'https://security.example.com', contactEmail: 'sec@example.com' },
      credits: [{ name: 'Mallory <m@example.com>\u0000', role: 'reporter' }, { name: ' \u0000', role: 'finder' }],
      references: [{ url: 'https://example.com/a b?x=<y>', summary: '' }, { url: 'javascript:alert(1)', summary: 'bad' }],
    }));
    assert.equal(c.title.length, 256);
    assert.ok(c.title.startsWith(`</title><script>alert(1)</script>& "quoted" 'single' xxx`));
    assert.equal(c.descriptions[0]!.value, '<img src=x onerror=alert(1)>\n\nHeading\n\n<script>alert(2)</script>\n\n1. one\n2. two (https://example.com/?a=1&b=2)\n\ncode');
    assert.equal(c.affected[0]!.vendor, 'Ex & <Co> "Q"');
    assert.deepEqual(c.credits, [{ lang: 'en', value: 'Mallory <m@example.com>', type: 'reporter' }]);
    assert.deepEqual(c.references.slice(1), [{ url: 'https://example.com/a%20b?x=%3Cy%3E' }]);
  });

  it('Markdown becomes readable plain text', () => {
    assert.equal(markdownToPlain('**Bold** and _em_ and `code`\nnext line'), 'Bold and em and code\nnext line');
    assert.equal(markdownToPlain('- a\n- b\n  - c\n\nafter'), '- a\n- b\n  - c\n\nafter');
    assert.equal(markdownToPlain('See <https://example.com> and [notes](https://example.com/n).'), 'See https://example.com and notes (https://example.com/n).');
    assert.equal(markdownToPlain('&amp; &lt;b&gt; \\*'), '& <b> *');
    assert.equal(markdownToPlain(''), '');
  });

  it('the schemas reject what CVE does not allow, so the checks above can fail', () => {
    const a = fullAdvisory();
    const container = renderCveCnaContainer(a, opts);
    const { affected: _affected, ...withoutAffected } = container;
    assert.equal(validateContainer({ cnaContainer: withoutAffected }), false, 'affected is required');
    assert.equal(validateContainer(container), false, 'the API body wraps the container');
    // Score and severity must agree (the container schema checks this for 4.0 only, the bundled one for 3.1 too).
    const v40 = renderCveCnaContainer(fullAdvisory({ cvss: cvss40 }), opts).metrics![0]!;
    assert.equal(validateContainer({ cnaContainer: { ...container, metrics: [{ ...v40, cvssV4_0: { ...v40.cvssV4_0!, baseSeverity: 'LOW' } }] } }), false);
    assert.equal(validateContainer({ cnaContainer: { ...container, credits: [{ lang: 'en', value: 'X', type: 'remediation_developer' }] } }), false);
    const record = renderCveRecord(a, opts);
    assert.equal(validateRecord({ ...record, cveMetadata: { ...record.cveMetadata, cveId: 'EMB-SA-2026-0007' } }), false);
    assert.equal(validateRecord({ ...record, cveMetadata: { ...record.cveMetadata, assignerOrgId: 'not-a-uuid' } }), false);
    assert.equal(validateRecord({ ...record, containers: {} }), false);
    const v31 = container.metrics![0]!;
    assert.equal(validateRecord({ ...record, containers: { cna: { ...container, metrics: [{ ...v31, cvssV3_1: { ...v31.cvssV3_1!, baseSeverity: 'LOW' } }] } } }), false);
  });

  it('dateUpdated can be given', () => {
    const { cveMetadata, containers } = renderCveRecord(fullAdvisory(), { orgId, dateUpdated: '2026-12-01T00:00:00Z' });
    assert.equal(cveMetadata.dateUpdated, '2026-12-01T00:00:00.000Z');
    assert.equal(containers.cna.providerMetadata.dateUpdated, '2026-12-01T00:00:00.000Z');
  });
});

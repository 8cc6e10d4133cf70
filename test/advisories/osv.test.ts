import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import MarkdownIt from 'markdown-it';
import type { Advisory } from '../../src/advisories/advisory.ts';
import { OSV_ECOSYSTEMS, OSV_SCHEMA_VERSION, osvEcosystem, renderOsv } from '../../src/advisories/render-osv.ts';
import { fullAdvisory, minimalAdvisory } from './sample-advisories.ts';

// The official OSV schema (draft 2020-12), from ../shared beside the repository; compiled once for the file.
const schema = JSON.parse(readFileSync(new URL('../../../shared/conformance/osv/schema.json', import.meta.url), 'utf8'));
// strict: false because the official schema uses `required` under `if` without `properties`, which Ajv's strict mode lints.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function assertValid(record: unknown): void {
  const ok = validate(record);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
}

const cvss40: Advisory['cvss'] = { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3, severity: 'critical' };

/** Markup, markup-breaking and control characters wherever text goes. */
function hostileAdvisory(): Advisory {
  return fullAdvisory({
    title: '</title><script>alert(1)</script>& "quoted"\n\'single\'\u0000\u001b',
    summary: '*not bold* <img src=x onerror=alert(1)> [click](javascript:alert(1)) &amp; # not a heading\n- not a list \u0007',
    details: '# Heading\n\n<script>alert(2)</script>\n\n[ok](https://example.com/?a=1&b=2)',
    mitigation: '```\nrm -rf /\n```',
    credits: [
      { name: 'Mallory <mallory@example.com>\u0000', role: 'reporter' },
      { name: 'Eve', role: 'remediation_developer' },
      { name: 'Trent', role: 'other' },
      { name: '\u0000 ', role: 'finder' },
    ],
    references: [
      { url: 'https://example.com/a b?x=<y>', summary: '<b>notes</b>' },
      { url: 'javascript:alert(1)', summary: 'not a web page' },
    ],
    products: [{ productId: 'lib', name: 'Lib <b>*bold*</b>', introduced: '1.0', fixed: '1.2', package: { ecosystem: 'PyPI', name: 'ex<ample>', purl: 'pkg:pypi/ex%3Cample%3E' } }],
  });
}

describe('OSV', () => {
  it('the full advisory is a valid OSV record with every field mapped', () => {
    const a = fullAdvisory();
    const osv = renderOsv(a);
    assertValid(osv);
    assert.equal(osv.schema_version, OSV_SCHEMA_VERSION);
    assert.equal(osv.id, 'x_EMB-SA-2026-0007');
    assert.equal(osv.modified, '2026-11-22T08:30:00.000Z');
    assert.equal(osv.published, '2026-11-20T10:00:00.000Z');
    assert.deepEqual(osv.aliases, ['CVE-2026-12345']);
    assert.equal(osv.summary, a.title);
    assert.deepEqual(osv.severity, [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N' }]);
    // The SDK is an npm package; the gateway is not a package, and still has its entry: its
    // ranges in the vendor's versions, and database_specific naming the product.
    assert.deepEqual(osv.affected, [
      {
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { fixed: '2.4.1' }] }],
        database_specific: { product: { id: 'gateway', name: 'Example Gateway', vendor: 'Example Corp', version_scheme: 'vendor' } },
      },
      {
        package: { ecosystem: 'npm', name: '@example/gateway-sdk', purl: 'pkg:npm/%40example/gateway-sdk' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.9.3' }] }],
      },
    ]);
    assert.deepEqual(osv.references, [
      { type: 'ADVISORY', url: 'https://security.example.com/advisories/EMB-SA-2026-0007' },
      { type: 'WEB', url: 'https://example.com/releases/2.4.1' },
    ]);
    assert.deepEqual(osv.credits, [
      { name: 'Ada Lovelace', type: 'FINDER' },
      { name: 'Example Corp PSIRT', type: 'COORDINATOR' },
    ]);
    assert.deepEqual(osv.database_specific, { cwe_ids: ['CWE-79'], severity: 'HIGH' });
  });

  it('details carry the summary, the Markdown details, every product and the mitigation', () => {
    const a = fullAdvisory();
    const { details } = renderOsv(a);
    assert.ok(details.startsWith("An authenticated user could store a script in a device name that runs in an administrator's browser. Update to 2.4.1."));
    assert.ok(details.includes(a.details), 'the Markdown details verbatim');
    assert.match(details, /## Affected products\n\n- Example Gateway: versions 2\.0\.0 and later, before 2\.4\.1 \(fixed in 2\.4\.1\)\n- Example Gateway SDK: versions before 1\.9\.3 \(fixed in 1\.9\.3\)/);
    assert.ok(details.endsWith('## Mitigation\n\nRestrict console access to trusted administrators until you can update.'));
  });

  it('the minimal advisory is valid and leaves out what it does not have', () => {
    const osv = renderOsv(minimalAdvisory());
    assertValid(osv);
    assert.equal(osv.id, 'x_EMB-SA-2026-0001');
    assert.equal(osv.aliases, undefined);
    assert.equal(osv.severity, undefined);
    assert.equal(osv.credits, undefined);
    assert.deepEqual(osv.affected, [{ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], database_specific: { product: { id: 'sync', name: 'Example Sync', vendor: 'Example Corp', version_scheme: 'vendor' } } }]);
    assert.deepEqual(osv.references, [{ type: 'ADVISORY', url: 'https://security.example.com/advisories/EMB-SA-2026-0001' }]);
    assert.deepEqual(osv.database_specific, { cwe_ids: [] });
    assert.equal(osv.details, 'A crafted request crashes the sync service.\n\n## Affected products\n\n- Example Sync: all versions (no fixed version yet)');
  });

  it('an advisory with a 3.1 and a 4.0 score carries both severities', () => {
    const osv = renderOsv(fullAdvisory({ cvss: cvss40, cvssScores: [cvss40!, fullAdvisory().cvss!] }));
    assertValid(osv);
    assert.deepEqual(osv.severity, [
      { type: 'CVSS_V4', score: cvss40!.vector },
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N' },
    ]);
  });

  it('a CVSS 4.0 score is a CVSS_V4 severity in the specification order OSV requires', () => {
    // Same metrics, shuffled: the record must still match OSV's fixed-order pattern.
    const shuffled = 'CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    for (const vector of [cvss40!.vector, shuffled]) {
      const osv = renderOsv(fullAdvisory({ cvss: { ...cvss40!, vector } }));
      assertValid(osv);
      assert.deepEqual(osv.severity, [{ type: 'CVSS_V4', score: cvss40!.vector }]);
      assert.equal(osv.database_specific.severity, 'CRITICAL');
    }
  });

  it('an unfixed packaged product has an open range; rows of one package share one entry', () => {
    const pkg = { ecosystem: 'pypi', name: 'example', purl: null };
    const osv = renderOsv(minimalAdvisory({
      products: [
        { productId: 'lib', name: 'Lib', introduced: '1.0', fixed: '1.4.2', package: pkg },
        { productId: 'lib', name: 'Lib', introduced: '2.0', fixed: null, package: pkg },
        { productId: 'deb', name: 'Lib (Debian)', introduced: null, fixed: '1.4.2-1', package: { ecosystem: 'Debian:12', name: 'python-example', purl: null } },
        { productId: 'odd', name: 'Odd', introduced: null, fixed: null, package: { ecosystem: 'Homebrew', name: 'odd', purl: null } },
      ],
    }));
    assertValid(osv);
    assert.deepEqual(osv.affected, [
      {
        package: { ecosystem: 'PyPI', name: 'example' },
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.4.2' }] },
          { type: 'ECOSYSTEM', events: [{ introduced: '2.0' }] },
        ],
      },
      { package: { ecosystem: 'Debian:12', name: 'python-example' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.4.2-1' }] }] },
      {
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
        database_specific: { product: { id: 'odd', name: 'Odd', vendor: 'Example Corp', package: { ecosystem: 'Homebrew', name: 'odd' }, version_scheme: 'vendor' } },
      },
    ]);
    assert.match(osv.details, /- Odd: all versions \(no fixed version yet\)/, 'an ecosystem OSV does not know is still named in the text');
  });

  it('appliances, SaaS and firmware get entries with their ranges and the product, valid against the schema', () => {
    const osv = renderOsv(minimalAdvisory({
      products: [
        { productId: 'box', name: 'Example Box', introduced: '7.0', fixed: '7.4.1', package: null, cpe: 'cpe:2.3:h:example:box:*:*:*:*:*:*:*:*' },
        { productId: 'box', name: 'Example Box', introduced: '8.0', fixed: '8.0.3', package: null, cpe: 'cpe:2.3:h:example:box:*:*:*:*:*:*:*:*' },
        { productId: 'cloud', name: 'Example Cloud', introduced: null, fixed: '2026.11.30', package: null },
        { productId: 'fw', name: 'Example Firmware', introduced: '3.0', fixed: null, package: null, cpe: 'cpe:/o:example:firmware' },
      ],
    }));
    assertValid(osv);
    assert.deepEqual(osv.affected, [
      {
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '7.0' }, { fixed: '7.4.1' }] },
          { type: 'ECOSYSTEM', events: [{ introduced: '8.0' }, { fixed: '8.0.3' }] },
        ],
        database_specific: { product: { id: 'box', name: 'Example Box', vendor: 'Example Corp', cpe: 'cpe:2.3:h:example:box:*:*:*:*:*:*:*:*', version_scheme: 'vendor' } },
      },
      { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2026.11.30' }] }], database_specific: { product: { id: 'cloud', name: 'Example Cloud', vendor: 'Example Corp', version_scheme: 'vendor' } } },
      { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0' }] }], database_specific: { product: { id: 'fw', name: 'Example Firmware', vendor: 'Example Corp', cpe: 'cpe:/o:example:firmware', version_scheme: 'vendor' } } },
    ]);
  });

  it('every credit role has its OSV type', () => {
    const roles = ['finder', 'reporter', 'coordinator', 'remediation_developer', 'other'] as const;
    const osv = renderOsv(fullAdvisory({ credits: roles.map((role) => ({ name: `Person ${role}`, role })) }));
    assertValid(osv);
    assert.deepEqual(osv.credits?.map((c) => c.type), ['FINDER', 'REPORTER', 'COORDINATOR', 'REMEDIATION_DEVELOPER', 'OTHER']);
  });

  it('hostile text stays valid, one-line where it must, and inert in the Markdown', () => {
    const osv = renderOsv(hostileAdvisory());
    assertValid(osv);
    assert.equal(osv.summary, '</title><script>alert(1)</script>& "quoted" \'single\'');
    assert.doesNotMatch(JSON.stringify(osv), /\\u000[07]|\\u001b/, 'no control characters');
    assert.deepEqual(osv.credits, [{ name: 'Mallory <mallory@example.com>', type: 'REPORTER' }, { name: 'Eve', type: 'REMEDIATION_DEVELOPER' }, { name: 'Trent', type: 'OTHER' }]);
    assert.deepEqual(osv.references, [
      { type: 'ADVISORY', url: 'https://security.example.com/advisories/EMB-SA-2026-0007' },
      { type: 'WEB', url: 'https://example.com/a%20b?x=%3Cy%3E' },
    ]);
    // Rendered with raw HTML allowed, as a careless consumer might: the plain-text summary must add no markup.
    const firstParagraph = new MarkdownIt({ html: true }).render(osv.details.split('\n\n')[0]!);
    assert.equal(
      firstParagraph,
      '<p>*not bold* &lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(1)) &amp;amp; # not a heading\n- not a list</p>\n',
    );
    assert.match(osv.details, /- Lib \\<b\\>\\\*bold\\\*\\<\/b\\>: /);
  });

  it('the schema rejects what OSV does not allow, so the checks above can fail', () => {
    const osv = renderOsv(fullAdvisory());
    const { id: _id, ...withoutId } = osv;
    assert.equal(validate(withoutId), false, 'id is required');
    // The reason for the x_ prefix: our own ids are not a registered OSV database prefix.
    assert.equal(validate({ ...osv, id: 'EMB-SA-2026-0007' }), false);
    assert.equal(validate({ ...osv, affected: [{ package: { ecosystem: 'Homebrew', name: 'x' } }] }), false);
    assert.equal(validate({ ...osv, severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] }), false);
    assert.equal(validate({ ...osv, modified: '2026-11-22 08:30' }), false);
  });

  it('knows exactly the ecosystems the schema defines, and spells them as it does', () => {
    assert.deepEqual([...OSV_ECOSYSTEMS].sort(), [...schema.$defs.ecosystemName.enum].sort());
    assert.equal(osvEcosystem('NPM'), 'npm');
    assert.equal(osvEcosystem('crates.io'), 'crates.io');
    assert.equal(osvEcosystem('maven:https://maven.google.com'), 'Maven:https://maven.google.com');
    assert.equal(osvEcosystem('npm:'), null);
    assert.equal(osvEcosystem('Homebrew'), null);
  });
});

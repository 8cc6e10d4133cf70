import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentCvssVectors, contentToForm, parseAdvisoryForm, purlPackage, toAdvisory } from '../../src/advisories/advisory-content.ts';
import { advisoryCvssScores } from '../../src/advisories/advisory.ts';

const PRODUCTS = [
  { id: 'gateway', name: 'Example Gateway' },
  { id: 'sdk', name: 'Example SDK' },
];
const publisher = { name: 'Example Corp', baseUrl: 'https://security.example.com', contactEmail: 'security@example.com' };

describe('advisory form and content (pure)', () => {
  it('reads rows, drops empty ones, and round-trips through the form', () => {
    const body = {
      title: ' Stored XSS ', summary: 'Update.', details: 'd\r\nline', mitigation: '', cveId: 'cve-2026-1234', cwe: '79', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      'product.0.id': 'gateway', 'product.0.introduced': '2.0.0', 'product.0.fixed': '2.4.1',
      'product.1.id': '', 'product.1.fixed': '',
      'product.3.id': 'sdk', 'product.3.ecosystem': 'npm', 'product.3.package': '@example/sdk', 'product.3.purl': 'pkg:npm/%40example/sdk',
      'credit.0.name': 'Ada', 'credit.0.role': 'finder', 'credit.1.name': '', 'credit.1.role': 'reporter',
      'reference.0.url': 'https://example.com/notes', 'reference.0.summary': '',
    };
    const parsed = parseAdvisoryForm(body, PRODUCTS, { publishing: true });
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
    const c = parsed.content;
    assert.equal(c.title, 'Stored XSS');
    assert.equal(c.details, 'd\nline');
    assert.equal(c.cveId, 'CVE-2026-1234');
    assert.equal(c.cweId, 79);
    assert.deepEqual(c.products, [
      { productId: 'gateway', name: 'Example Gateway', introduced: '2.0.0', fixed: '2.4.1', package: null },
      { productId: 'sdk', name: 'Example SDK', introduced: null, fixed: null, package: { ecosystem: 'npm', name: '@example/sdk', purl: 'pkg:npm/%40example/sdk' } },
    ]);
    assert.deepEqual(c.credits, [{ name: 'Ada', role: 'finder' }]);
    assert.deepEqual(c.references, [{ url: 'https://example.com/notes', summary: 'https://example.com/notes' }]);
    const again = parseAdvisoryForm(contentToForm(c), PRODUCTS, { publishing: true });
    assert.ok(again.ok);
    assert.deepEqual(again.content, c);
  });

  it('names every wrong field, and asks more of a publication than of a draft', () => {
    const parsed = parseAdvisoryForm({
      title: '', cveId: 'CVE-1', cwe: 'CWE-999999', cvssVector: 'CVSS:3.1/AV:N',
      'product.0.id': 'nope', 'product.1.id': 'gateway', 'product.1.fixed': 'all', 'product.1.introduced': '< 2.0',
      'product.2.id': 'sdk', 'product.2.package': 'only-a-name', 'product.3.id': 'sdk', 'product.3.ecosystem': 'npm', 'product.3.package': 'x', 'product.3.purl': 'npm:x',
      'credit.0.name': 'Bob', 'credit.0.role': 'hero', 'reference.0.url': 'javascript:alert(1)',
    }, PRODUCTS, { publishing: false });
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(Object.keys(parsed.errors).sort(), [
      'credit.0.role', 'cveId', 'cvssVector', 'cwe', 'product.0.id', 'product.1.fixed', 'product.1.introduced', 'product.2.package', 'product.3.purl', 'reference.0.url', 'title',
    ]);
    const draft = parseAdvisoryForm({ title: 'Only a title' }, PRODUCTS, { publishing: false });
    assert.ok(draft.ok, 'a draft may be incomplete');
    const publish = parseAdvisoryForm({ title: 'Only a title' }, PRODUCTS, { publishing: true });
    assert.ok(!publish.ok && publish.errors.summary && publish.errors['product.0.id']);
  });

  it('derives the score, rating and CWE name; 3.1 publishes the base score', () => {
    const parsed = parseAdvisoryForm({ title: 'T', summary: 'S', cwe: 'CWE-89', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U', 'product.0.id': 'gateway' }, PRODUCTS, { publishing: true });
    assert.ok(parsed.ok);
    const a = toAdvisory({ publicId: 'EMB-SA-2026-0001', content: parsed.content, publisher, revisions: [{ number: 1, date: '2026-11-20T00:00:00.000Z', summary: 'Initial release' }, { number: 2, date: '2026-11-21T00:00:00.000Z', summary: 'More' }] });
    assert.deepEqual(a.cvss, { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U', score: 9.8, severity: 'critical' });
    assert.equal(a.cwe?.id, 89);
    assert.match(a.cwe!.name, /SQL/);
    assert.equal(a.initialReleaseDate, '2026-11-20T00:00:00.000Z');
    assert.equal(a.currentReleaseDate, '2026-11-21T00:00:00.000Z');
  });

  it('takes a CVSS 3.1 and a CVSS 4.0 vector, each in its field, and the advisory carries both scores (4.0 the headline)', () => {
    const v31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    const v40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    const parsed = parseAdvisoryForm({ title: 'T', summary: 'S', cvssVector: v31, cvssV4Vector: v40, 'product.0.id': 'gateway', 'product.0.cpe': 'cpe:2.3:h:example:gateway:*:*:*:*:*:*:*:*' }, PRODUCTS, { publishing: true });
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
    assert.equal(parsed.content.cvssVector, v31);
    assert.equal(parsed.content.cvssV4Vector, v40);
    assert.equal(parsed.content.products[0]!.cpe, 'cpe:2.3:h:example:gateway:*:*:*:*:*:*:*:*');
    const a = toAdvisory({ publicId: 'EMB-SA-2026-0001', content: parsed.content, publisher, revisions: [] });
    assert.deepEqual(advisoryCvssScores(a).map((c) => [c.version, c.score]), [['4.0', 9.3], ['3.1', 9.8]]);
    assert.equal(a.cvss?.version, '4.0');
    const again = parseAdvisoryForm(contentToForm(parsed.content), PRODUCTS, { publishing: true });
    assert.ok(again.ok);
    assert.deepEqual(again.content, parsed.content);

    // Each field takes its own version; a 4.0-only advisory cannot be published (CSAF 2.0 would have no score).
    const swapped = parseAdvisoryForm({ title: 'T', summary: 'S', cvssVector: v40, cvssV4Vector: v31, 'product.0.id': 'gateway' }, PRODUCTS, { publishing: false });
    assert.ok(!swapped.ok);
    assert.match(swapped.errors.cvssVector!, /CVSS 4\.0 vector: give it in the CVSS 4\.0 field/);
    assert.match(swapped.errors.cvssV4Vector!, /CVSS 3\.1 vector/);
    const only40 = { title: 'T', summary: 'S', cvssV4Vector: v40, 'product.0.id': 'gateway' };
    assert.ok(parseAdvisoryForm(only40, PRODUCTS, { publishing: false }).ok, 'a draft may hold the 4.0 vector alone');
    const refused = parseAdvisoryForm(only40, PRODUCTS, { publishing: true });
    assert.ok(!refused.ok);
    assert.match(refused.errors.cvssVector!, /CSAF 2\.0/);
    const badCpe = parseAdvisoryForm({ title: 'T', 'product.0.id': 'gateway', 'product.0.cpe': 'cpe:2.3:h:example' }, PRODUCTS, { publishing: false });
    assert.ok(!badCpe.ok && badCpe.errors['product.0.cpe']);
  });

  it('reads content saved with one vector of either version in cvssVector', () => {
    const v40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    const legacy = { title: 'T', summary: 'S', details: '', mitigation: '', cveId: null, cweId: null, cvssVector: v40, products: [], credits: [], references: [] };
    assert.deepEqual(contentCvssVectors(legacy), { v31: null, v40 });
    assert.equal(contentToForm(legacy).cvssV4Vector, v40);
    assert.equal(contentToForm(legacy).cvssVector, '');
    const a = toAdvisory({ publicId: 'EMB-SA-2026-0001', content: legacy, publisher, revisions: [] });
    assert.deepEqual(advisoryCvssScores(a).map((c) => c.version), ['4.0']);
  });

  it('a purl alone names the package: ecosystem and name are read from it', () => {
    assert.deepEqual(purlPackage('pkg:npm/%40example/sdk@1.2.3'), { ecosystem: 'npm', name: '@example/sdk' });
    assert.deepEqual(purlPackage('pkg:maven/org.example/gateway'), { ecosystem: 'Maven', name: 'org.example:gateway' });
    assert.deepEqual(purlPackage('pkg:golang/github.com/example/gw'), { ecosystem: 'Go', name: 'github.com/example/gw' });
    assert.deepEqual(purlPackage('pkg:deb/debian/libexample?arch=amd64'), { ecosystem: 'Debian', name: 'libexample' });
    assert.deepEqual(purlPackage('pkg:brew/example'), { ecosystem: 'brew', name: 'example' });
    const parsed = parseAdvisoryForm({ title: 'T', 'product.0.id': 'sdk', 'product.0.purl': 'pkg:pypi/example-sdk' }, PRODUCTS, { publishing: false });
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
    assert.deepEqual(parsed.content.products[0]!.package, { ecosystem: 'PyPI', name: 'example-sdk', purl: 'pkg:pypi/example-sdk' });
    const onlyName = parseAdvisoryForm({ title: 'T', 'product.0.id': 'sdk', 'product.0.package': 'x' }, PRODUCTS, { publishing: false });
    assert.ok(!onlyName.ok && onlyName.errors['product.0.package']);
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Advisory } from '../../src/advisories/advisory.ts';
import { cpeAt, csafFileName, csafVersionRange, CsafRenderError, renderCsaf, type CsafBranch, type CsafDocument } from '../../src/advisories/render-csaf.ts';
import {
  csafRolieFeedUrl,
  renderRolieFeed,
  csafCanonicalUrl,
  csafDirectoryPath,
  renderChangesCsv,
  renderIndexTxt,
  renderProviderMetadata,
} from '../../src/advisories/render-csaf-distribution.ts';
import { InvalidCvssVectorError } from '../../src/domain/cvss-score.ts';
import { fullAdvisory, minimalAdvisory } from './sample-advisories.ts';

// The official OASIS CSAF 2.0 data lives beside the repository (../shared), used as published.
const conformance = new URL('../../../shared/conformance/csaf-2.0/', import.meta.url);
const readJson = (relative: string): unknown => JSON.parse(readFileSync(new URL(relative, conformance), 'utf8'));
const schemaJson = (relative: string) => readJson(relative) as AnySchemaObject;

// ajv-formats is CommonJS; from ESM its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

/**
 * One Ajv for the CSAF, provider and CVSS schemas, compiled once. The CSAF schema
 * refers to FIRST's CVSS schemas by their URLs without the "?2021…" suffix their own
 * ids carry, so they are added under the URL it uses. They declare draft-04/07
 * (`$schema`, and `id` in draft-04), which a 2020-12 validator does not load; their
 * keywords (type, enum, pattern, minimum, maximum, required, definitions, $ref) mean
 * the same in 2020-12, so only those declarations are dropped.
 */
function compileSchemas() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const version of ['2.0', '3.0', '3.1']) {
    const { $schema: _draft, $id: _id, id: _draft4Id, ...schema } = schemaJson(`referenced_schema/first/cvss-v${version}.json`);
    ajv.addSchema(schema, `https://www.first.org/cvss/cvss-v${version}.json`);
  }
  ajv.addSchema(schemaJson('json_schema/csaf_json_schema.json'));
  ajv.addSchema(schemaJson('json_schema/provider_json_schema.json'));
  const get = (id: string): ValidateFunction => ajv.getSchema(id) ?? assert.fail(`schema ${id} not loaded`);
  return {
    csaf: get('https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json'),
    provider: get('https://docs.oasis-open.org/csaf/csaf/v2.0/provider_json_schema.json'),
  };
}
const schemas = compileSchemas();

function schemaErrors(validate: ValidateFunction, doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

// --- BSI's csaf-validator-lib (secvisogram): the reference implementation of the CSAF tests (§6) ---
interface Finding {
  instancePath: string;
  message: string;
}
interface TestResult {
  isValid?: boolean;
  errors?: Finding[];
  warnings?: Finding[];
  infos?: Finding[];
}
type CsafTest = (doc: unknown) => TestResult | Promise<TestResult>;
interface Validation {
  isValid: boolean;
  tests: { name: string; isValid: boolean; errors: Finding[]; warnings: Finding[]; infos: Finding[] }[];
}

// The library ships JavaScript without type declarations; a specifier held in a variable keeps
// tsc from asking for them, and the shapes above are the ones its README documents.
const validatorLib = (file: string): Promise<Record<string, unknown>> => import(`@secvisogram/csaf-validator-lib/${file}`);
const mandatory = Object.values(await validatorLib('mandatoryTests.js')) as CsafTest[];
const { csaf_2_0_strict: strictSchema } = (await validatorLib('schemaTests.js')) as { csaf_2_0_strict: CsafTest };
// `validate` rather than `validateStrict`: the strict one imports every optional and informative
// test (each compiles its own Ajv, ~8 s together) only to check we pass its own functions.
const { default: validate } = (await validatorLib('validate.js')) as { default: (tests: CsafTest[], doc: unknown) => Promise<Validation> };
/**
 * Every optional test (§6.2) and every informative test (§6.3) of the library but three:
 * 6.3.6 and 6.3.7 fetch each URL (tests do not reach the network) and 6.3.8 runs a hunspell
 * binary. Loading them compiles ~30 validators (a few seconds), once for the file.
 */
const OFFLINE_INFORMATIVE = ['1', '2', '3', '4', '5', '9', '10', '11'];
const optional = Object.values(await validatorLib('optionalTests.js')) as CsafTest[];
const informative = await Promise.all(
  OFFLINE_INFORMATIVE.map(async (n) => ((await validatorLib(`lib/informativeTests/informativeTest_6_3_${n}.js`)) as { default: CsafTest }).default),
);
assert.equal(optional.length, 20, 'every optional test of CSAF 2.0 §6.2');
assert.equal(mandatory.length, 43, 'every mandatory test of CSAF 2.0 §6.1, 6.1.27 counted per sub-test');

/** Names of the failed tests with their first findings, so an assertion shows why. */
function failures(v: Validation): string[] {
  return v.tests.filter((t) => !t.isValid).map((t) => `${t.name}: ${JSON.stringify(t.errors.slice(0, 3))}`);
}

/** Findings of every test that reported any, as "test: message @path". */
function findings(v: Validation): string[] {
  return v.tests.flatMap((t) => [...t.errors, ...t.warnings, ...t.infos].map((f) => `${t.name}: ${f.message} @${f.instancePath}`));
}

// --- The advisories under test ---
const cvss4 = { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N', score: 6.9, severity: 'medium' } as const;
const hostile = (): Advisory =>
  fullAdvisory({
    publisher: { name: 'Ex"ample" <Corp> & Søn', baseUrl: 'https://security.example.com', contactEmail: 'security@example.com' },
    title: 'XSS "quoted" \'single\' <script>alert(1)</script> — ünïcødé 🚨 \u202eRTL\u202c',
    summary: 'Back\\slash, tab\there, newline\nand </script><!-- in text.',
    details: '```html\n<img src=x onerror="alert(1)">\n```\n\u0000 NUL and \u2028 line separator.',
    mitigation: '<b>Block</b> "/admin" & \'/api\' — 対策',
    credits: [
      { name: '"; DROP TABLE credits; --', role: 'finder' },
      { name: 'Zoë <zoe@example.com>', role: 'reporter' },
      { name: 'Ｆｕｌｌｗｉｄｔｈ', role: 'other' },
    ],
    references: [{ url: 'https://example.com/a?b=1&c=%22x%22#frag', summary: 'Quotes "here" & <there>' }],
    products: [
      { productId: 'gateway', name: 'Gateway <Pro> "Ω"', introduced: '1.0.0+build.5', fixed: '2.0 beta|rc', package: null },
      { productId: 'lib', name: 'lib 💥', introduced: '0.1', fixed: null, package: { ecosystem: 'deb', name: 'lib', purl: 'pkg:deb/debian/lib@0.1?arch=amd64#sub/dir' } },
    ],
  });
/** One product on two release lines, both fixed, plus a temporal and environmental 3.1 vector. */
const twoLines = (): Advisory =>
  fullAdvisory({
    cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N/E:P/RL:O/RC:C/CR:H/MAV:A/MS:U', score: 8.7, severity: 'high' },
    products: [
      { productId: 'gateway', name: 'Example Gateway', introduced: '1.0.0', fixed: '1.9.5', package: null },
      { productId: 'gateway', name: 'Example Gateway', introduced: '2.0.0', fixed: '2.4.1', package: null },
    ],
  });

const cvss31 = fullAdvisory().cvss!;
const GATEWAY_CPE = 'cpe:2.3:h:example:gateway:*:*:*:*:*:*:*:*';
/** What the editor publishes when the team gives both vectors and names every product (CPE or purl). */
const identified = (): Advisory =>
  fullAdvisory({
    cvss: cvss4,
    cvssScores: [cvss4, cvss31],
    products: fullAdvisory().products.map((p) => (p.productId === 'gateway' ? { ...p, cpe: GATEWAY_CPE } : p)),
  });
/** An appliance named by a CPE 2.2 URI, and a firmware named by CPE 2.3 with quoted characters, on two lines. */
const appliance = (): Advisory =>
  fullAdvisory({
    cvss: cvss4,
    cvssScores: [cvss4, cvss31],
    products: [
      { productId: 'box', name: 'Example Box', introduced: null, fixed: '7.1', package: null, cpe: 'cpe:/h:example:box' },
      { productId: 'fw', name: 'Example Firmware', introduced: '3.0', fixed: '3.2+hotfix~1', package: null, cpe: 'cpe:2.3:o:example:firmware\\:x:*:*:*:*:*:*:*:*' },
      { productId: 'fw', name: 'Example Firmware', introduced: '4.0', fixed: null, package: null, cpe: 'cpe:2.3:o:example:firmware\\:x:*:*:*:*:*:*:*:*' },
    ],
  });

const variants: Record<string, Advisory> = {
  full: fullAdvisory(),
  minimal: minimalAdvisory(),
  'CVSS 4.0 only (published before 3.1 was required with it)': fullAdvisory({ cvss: cvss4 }),
  'CVSS 3.1 and 4.0, every product identified': identified(),
  'appliance and firmware by CPE': appliance(),
  'publisher from settings': { ...identified(), publisher: { ...fullAdvisory().publisher, csaf: { publisherName: 'Example CERT', category: 'coordinator', namespace: 'https://cert.example.org', contactDetails: 'cert@example.org', issuingAuthority: 'Example CERT coordinates for Example Corp.' } } },
  hostile: hostile(),
  'two release lines': twoLines(),
};
// What is checked is what is served: the document after a JSON round trip.
const rendered = Object.entries(variants).map(([name, a]) => ({ name, a, doc: JSON.parse(JSON.stringify(renderCsaf(a))) as CsafDocument }));

/** Every product (id → branch category) defined in the tree. */
function treeProducts(branches: CsafBranch[], out = new Map<string, string>()): Map<string, string> {
  for (const b of branches) {
    if ('product' in b) out.set(b.product.product_id, b.category);
    else treeProducts(b.branches, out);
  }
  return out;
}

describe('CSAF 2.0 document', () => {
  it('is valid against the official CSAF 2.0 JSON schema, for every variant', () => {
    for (const { name, doc } of rendered) {
      assert.deepEqual(schemaErrors(schemas.csaf, doc), [], name);
      assert.equal(doc.document.category, 'csaf_security_advisory', name);
    }
  });

  it('passes the strict schema and all 43 mandatory tests (§6.1), for every variant', async () => {
    // All mandatory tests run offline: 6.1.11 (CWE) uses the CWE list bundled with the library.
    for (const { name, doc } of rendered) {
      const v = await validate([strictSchema, ...mandatory], doc);
      assert.deepEqual(failures(v), [], name);
      assert.equal(v.tests.length, 44);
    }
  });

  it('every optional (§6.2) and offline informative (§6.3) test reports only what the data lacks', async (t) => {
    // What remains, each for a reason of data, not of form:
    // - 6.2.3 missing score: the minimal advisory has no CVSS; a 4.0-only advisory published before
    //   the editor asked for the 3.1 vector with it (CSAF 2.0 scores hold CVSS 2.0 and 3.x only);
    // - 6.2.16 missing product identification helper: a product the team gave no CPE or purl;
    // - 6.3.3 / 6.3.4 missing CVE / CWE: the minimal advisory has neither;
    // - 6.3.6 and 6.3.7 (URLs resolve) need the network and 6.3.8 (spelling) a hunspell binary: not run.
    const helper = (...paths: string[]) => paths.map((p) => `optionalTest_6_2_16: missing product identification helper @/product_tree/branches/0/branches/${p}/product`);
    const score = (...i: number[]) => i.map((n) => `optionalTest_6_2_3: missing score @/vulnerabilities/0/product_status/known_affected/${n}`);
    // 6.3.9 / 6.3.10: an affected range is a product_version_range (under product_name), which is
    // what an advisory knows ("before 2.4.1"); enumerating every released version is not. The
    // library's 6.3.9 reports the first range under each product_name, 6.3.10 every range.
    const ranges = (firstOfProduct: string[], others: string[] = []) => [
      ...firstOfProduct.map((p) => `informativeTest_6_3_9: missing ancestor with category product_version @/product_tree/branches/0/branches/${p}`),
      ...[...firstOfProduct, ...others].map((p) => `informativeTest_6_3_10: usage of product_version_range category @/product_tree/branches/0/branches/${p}/product`),
    ];
    const expected: Record<string, string[]> = {
      full: [...helper('0/branches/0', '0/branches/1'), ...ranges(['0/branches/0', '1/branches/0'])],
      minimal: [...score(0), ...helper('0/branches/0'), ...ranges(['0/branches/0']), 'informativeTest_6_3_3: missing CVE @/vulnerabilities/0', 'informativeTest_6_3_4: missing cwe @/vulnerabilities/0'],
      'CVSS 4.0 only (published before 3.1 was required with it)': [...score(0, 1), ...helper('0/branches/0', '0/branches/1'), ...ranges(['0/branches/0', '1/branches/0'])],
      'CVSS 3.1 and 4.0, every product identified': ranges(['0/branches/0', '1/branches/0']),
      'appliance and firmware by CPE': ranges(['0/branches/0', '1/branches/0'], ['1/branches/2']),
      'publisher from settings': ranges(['0/branches/0', '1/branches/0']),
      hostile: [...helper('0/branches/0', '0/branches/1'), ...ranges(['0/branches/0', '1/branches/0'])],
      'two release lines': [...helper('0/branches/0', '0/branches/1', '0/branches/2', '0/branches/3'), ...ranges(['0/branches/0'], ['0/branches/2'])],
    };
    for (const { name, doc } of rendered) {
      const v = await validate([...optional, ...informative], doc);
      assert.equal(v.tests.length, 28, name);
      assert.deepEqual(findings(v).sort(), expected[name]!.sort(), name);
      t.diagnostic(`${name}: ${findings(v).length} findings of 20 optional and ${informative.length} informative tests`);
    }
  });

  it('the checks bite: every official failing document fails its mandatory test, every valid one passes it', async (t) => {
    const { tests } = readJson('test/validator/data/testcases.json') as {
      tests: { id: string; group: string; failures?: { name: string }[]; valid?: { name: string }[] }[];
    };
    const byName = new Map(mandatory.map((test) => [test.name, test]));
    const wrong: string[] = [];
    let failing = 0;
    let passing = 0;
    for (const tc of tests.filter((c) => c.group === 'mandatory')) {
      const test = byName.get(`mandatoryTest_${tc.id.replaceAll('.', '_')}`) ?? assert.fail(`no library test for ${tc.id}`);
      for (const { name } of tc.failures ?? []) {
        const doc = readJson(`test/validator/data/${name}`);
        if ((await validate([test], doc)).isValid) wrong.push(`${name} passes ${tc.id}`);
        // The same validation the renderer's output passes rejects it as a whole, too.
        if ((await validate([strictSchema, ...mandatory], doc)).isValid) wrong.push(`${name} passes all`);
        failing++;
      }
      for (const { name } of tc.valid ?? []) {
        const f = failures(await validate([test], readJson(`test/validator/data/${name}`)));
        if (f.length > 0) wrong.push(`${name} fails ${tc.id}: ${f.join('; ')}`);
        passing++;
      }
    }
    // One known gap of csaf-validator-lib 2.0.10: its 6.1.26 strips separators only from names
    // without the csaf_ prefix, so "csafsecurityadvisory" (failing example 4) slips through.
    // Our documents always carry exactly "csaf_security_advisory" (checked above), so the gap
    // cannot hide a fault of ours; listed exactly so that a fixed library shows up here.
    const gap = 'mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-26-04.json';
    assert.deepEqual(wrong, [`${gap} passes 6.1.26`, `${gap} passes all`]);
    assert.equal(failing, 87);
    assert.equal(passing, 60);
    t.diagnostic(`${failing} failing and ${passing} valid official documents, 43 mandatory tests`);
  });

  it('the official example advisories pass the schema, and a broken one does not', () => {
    const dir = new URL('examples/csaf/', conformance);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 3);
    for (const f of files) assert.deepEqual(schemaErrors(schemas.csaf, readJson(`examples/csaf/${f}`)), [], f);
    const broken = structuredClone(rendered[0]!.doc) as unknown as { document: { tracking: { status: string } } };
    broken.document.tracking.status = 'published';
    assert.notDeepEqual(schemaErrors(schemas.csaf, broken), []);
  });
});

describe('CSAF 2.0 content', () => {
  const full = renderCsaf(fullAdvisory());

  it('is deterministic and follows the profile', () => {
    assert.equal(JSON.stringify(renderCsaf(fullAdvisory())), JSON.stringify(full));
    const d = full.document;
    assert.equal(d.category, 'csaf_security_advisory');
    assert.equal(d.csaf_version, '2.0');
    assert.deepEqual(d.distribution, { tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } });
    assert.deepEqual(d.publisher, { category: 'vendor', contact_details: 'security@example.com', name: 'Example Corp', namespace: 'https://security.example.com' });
    assert.deepEqual(d.tracking.revision_history.map((r) => [r.number, r.date]), [['1', '2026-11-20T10:00:00.000Z'], ['2', '2026-11-22T08:30:00.000Z']]);
    assert.equal(d.tracking.version, '2');
    assert.equal(renderCsaf(minimalAdvisory()).document.tracking.version, '1');
    assert.deepEqual(d.tracking.generator, { engine: { name: 'Embargo' } });
    assert.deepEqual(d.notes?.map((n) => n.category), ['summary', 'details']);
    assert.equal(renderCsaf(minimalAdvisory()).document.notes?.length, 1, 'empty details give no note');
    assert.deepEqual(d.acknowledgments, [
      { names: ['Ada Lovelace'], summary: 'Found the vulnerability.' },
      { names: ['Example Corp PSIRT'], summary: 'Coordinated the disclosure.' },
    ]);
    assert.equal(renderCsaf(minimalAdvisory()).document.acknowledgments, undefined);
  });

  it('references itself by the advisory page, its .json URL and the canonical directory URL', () => {
    const self = full.document.references.filter((r) => r.category === 'self').map((r) => r.url);
    assert.deepEqual(self.sort(), [
      'https://security.example.com/.well-known/csaf/white/2026/emb-sa-2026-0007.json',
      'https://security.example.com/advisories/EMB-SA-2026-0007',
      'https://security.example.com/advisories/EMB-SA-2026-0007.json',
    ]);
    assert.deepEqual(full.document.references.filter((r) => r.category === 'external'), [{ category: 'external', summary: 'Release notes 2.4.1', url: 'https://example.com/releases/2.4.1' }]);
  });

  it('writes version ranges as canonical vers', () => {
    assert.equal(csafVersionRange({ introduced: '2.0.0', fixed: '2.4.1' }), 'vers:generic/>=2.0.0|<2.4.1');
    assert.equal(csafVersionRange({ introduced: null, fixed: '2.4.1' }), 'vers:generic/<2.4.1');
    assert.equal(csafVersionRange({ introduced: '2.0.0', fixed: null }), 'vers:generic/>=2.0.0');
    // CSAF 2.0 §3.1.2.3.2: "all versions" is exactly vers:all/*.
    assert.equal(csafVersionRange({ introduced: null, fixed: null }), 'vers:all/*');
    assert.equal(csafVersionRange({ introduced: '1.0.0+build.5', fixed: '2.0 beta|rc' }), 'vers:generic/>=1.0.0+build.5|<2.0%20beta%7Crc');
  });

  it('defines every product id it refers to, and refers to every product it defines', () => {
    for (const { name, doc } of rendered) {
      const products = treeProducts(doc.product_tree.branches);
      const v = doc.vulnerabilities[0]!;
      const referenced = [
        ...v.product_status.known_affected,
        ...(v.product_status.fixed ?? []),
        ...v.remediations.flatMap((r) => r.product_ids),
        ...(v.scores ?? []).flatMap((s) => s.products),
      ];
      for (const id of referenced) assert.ok(products.has(id), `${name}: ${id} is not in the product tree`);
      assert.deepEqual(new Set([...v.product_status.known_affected, ...(v.product_status.fixed ?? [])]), new Set(products.keys()), name);
      for (const id of v.product_status.known_affected) assert.equal(products.get(id), 'product_version_range', name);
      for (const id of v.product_status.fixed ?? []) assert.equal(products.get(id), 'product_version', name);
    }
    const v = full.vulnerabilities[0]!;
    assert.deepEqual(v.product_status, {
      fixed: ['gateway:2.4.1', 'gateway-sdk:1.9.3'],
      known_affected: ['gateway:vers:generic/>=2.0.0|<2.4.1', 'gateway-sdk:vers:generic/<1.9.3'],
    });
    assert.deepEqual(v.remediations.map((r) => r.category), ['vendor_fix', 'vendor_fix', 'mitigation']);
    const minimal = renderCsaf(minimalAdvisory()).vulnerabilities[0]!;
    assert.deepEqual(minimal.remediations, [{ category: 'none_available', details: 'No fixed version of Example Sync is available yet.', product_ids: ['sync:vers:all/*'] }]);
  });

  it('pins purls to the fixed version and strips the version from the affected range', () => {
    const purls = (doc: CsafDocument) =>
      JSON.stringify(doc.product_tree)
        .match(/"purl":"[^"]+"/g)
        ?.map((s) => s.slice(8, -1));
    assert.deepEqual(purls(full), ['pkg:npm/%40example/gateway-sdk', 'pkg:npm/%40example/gateway-sdk@1.9.3']);
    assert.deepEqual(purls(renderCsaf(hostile())), ['pkg:deb/debian/lib?arch=amd64#sub/dir']);
    const notAPurl = fullAdvisory({ products: [{ productId: 'x', name: 'X', introduced: null, fixed: '1', package: { ecosystem: 'npm', name: 'x', purl: 'npm:x' } }] });
    assert.equal(purls(renderCsaf(notAPurl)), undefined, 'an unusable purl is left out rather than made invalid');
  });

  it('decodes the CVSS 3.1 vector into the FIRST properties, with the scores it gives', async () => {
    assert.deepEqual(full.vulnerabilities[0]!.scores, [
      {
        cvss_v3: {
          attackComplexity: 'LOW',
          attackVector: 'NETWORK',
          availabilityImpact: 'NONE',
          baseScore: 8.7,
          baseSeverity: 'HIGH',
          confidentialityImpact: 'HIGH',
          integrityImpact: 'HIGH',
          privilegesRequired: 'LOW',
          scope: 'CHANGED',
          userInteraction: 'REQUIRED',
          vectorString: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N',
          version: '3.1',
        },
        products: ['gateway:vers:generic/>=2.0.0|<2.4.1', 'gateway-sdk:vers:generic/<1.9.3'],
      },
    ]);
    const cvss = renderCsaf(twoLines()).vulnerabilities[0]!.scores![0]!.cvss_v3;
    assert.deepEqual(
      [cvss.exploitCodeMaturity, cvss.remediationLevel, cvss.reportConfidence, cvss.confidentialityRequirement, cvss.modifiedAttackVector, cvss.modifiedScope],
      ['PROOF_OF_CONCEPT', 'OFFICIAL_FIX', 'CONFIRMED', 'HIGH', 'ADJACENT_NETWORK', 'UNCHANGED'],
    );
    assert.equal(typeof cvss.temporalScore, 'number');
    assert.equal(typeof cvss.environmentalScore, 'number');
    assert.equal(full.document.aggregate_severity?.text, 'High');
    // 6.1.9 and 6.1.10 are what keep this honest: a property at odds with the vector fails them.
    const tampered = structuredClone(full);
    tampered.vulnerabilities[0]!.scores![0]!.cvss_v3.scope = 'UNCHANGED';
    tampered.vulnerabilities[0]!.scores![0]!.cvss_v3.baseScore = 9.9;
    assert.deepEqual(failures(await validate(mandatory, tampered)).map((f) => f.split(':')[0]).sort(), ['mandatoryTest_6_1_10', 'mandatoryTest_6_1_9']);
    assert.throws(() => renderCsaf(fullAdvisory({ cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N', score: 5, severity: 'medium' } })), InvalidCvssVectorError);
  });

  it('keeps a CVSS 4.0 score out of scores (CSAF 2.0 has none) and in a note', () => {
    const doc = renderCsaf(fullAdvisory({ cvss: cvss4 }));
    const v = doc.vulnerabilities[0]!;
    assert.equal(v.scores, undefined);
    assert.deepEqual(v.notes.find((n) => n.title === 'CVSS 4.0'), { category: 'other', text: `${cvss4.vector} (score 6.9, Medium)`, title: 'CVSS 4.0' });
    assert.equal(doc.document.aggregate_severity?.text, 'Medium');
  });

  it('with both vectors: the 3.1 one is the score of every affected product, the 4.0 one a note and the headline severity', () => {
    const doc = renderCsaf(identified());
    const v = doc.vulnerabilities[0]!;
    assert.equal(v.scores?.length, 1);
    assert.equal(v.scores![0]!.cvss_v3.vectorString, cvss31.vector);
    assert.deepEqual(v.scores![0]!.products, v.product_status.known_affected);
    assert.deepEqual(v.notes.find((n) => n.title === 'CVSS 4.0')?.text, `${cvss4.vector} (score 6.9, Medium)`);
    assert.equal(doc.document.aggregate_severity?.text, 'Medium', 'the 4.0 score is the headline');
  });

  it('names products by the CPE the team gives, with the version filled in per release', () => {
    const helpers = (doc: CsafDocument) => [...JSON.stringify(doc.product_tree).matchAll(/"product_identification_helper":(\{[^}]*\})/g)].map((m) => JSON.parse(m[1]!) as { cpe?: string; purl?: string });
    assert.deepEqual(helpers(renderCsaf(identified())).filter((h) => h.cpe), [
      { cpe: 'cpe:2.3:h:example:gateway:*:*:*:*:*:*:*:*' },
      { cpe: 'cpe:2.3:h:example:gateway:2.4.1:*:*:*:*:*:*:*' },
    ]);
    assert.deepEqual(helpers(renderCsaf(appliance())).map((h) => h.cpe), [
      'cpe:/h:example:box',
      'cpe:/h:example:box',
      'cpe:2.3:o:example:firmware\\:x:*:*:*:*:*:*:*:*',
      'cpe:2.3:o:example:firmware\\:x:3.2\\+hotfix\\~1:*:*:*:*:*:*:*',
      'cpe:2.3:o:example:firmware\\:x:*:*:*:*:*:*:*:*',
    ]);
    assert.equal(cpeAt('cpe:2.3:a:example:thing:1.0:*:*:*:*:*:*:*', '2.0'), 'cpe:2.3:a:example:thing:2.0:*:*:*:*:*:*:*');
    assert.equal(cpeAt('cpe:2.3:a:example:short', '2.0'), 'cpe:2.3:a:example:short', 'a malformed CPE is kept as given (the editor refuses it)');
  });

  it('refuses an advisory that cannot be a valid CSAF document', () => {
    assert.throws(() => renderCsaf(fullAdvisory({ products: [] })), CsafRenderError);
    assert.throws(() => renderCsaf(fullAdvisory({ revisions: [] })), CsafRenderError);
  });
});

describe('CSAF 2.0 distribution', () => {
  it('names files per §5.1', () => {
    assert.equal(csafFileName('EMB-SA-2026-0007'), 'emb-sa-2026-0007.json');
    assert.equal(csafFileName('2022_#01-A'), '2022_01-a.json', 'a run of other characters is one underscore (the spec example)');
    assert.equal(csafFileName('Ünï Côde+1'), '_n_c_de+1.json');
    assert.equal(csafDirectoryPath({ id: 'EMB-SA-2026-0007', initialReleaseDate: '2026-11-20T10:00:00.000Z' }), '2026/emb-sa-2026-0007.json');
    assert.equal(csafCanonicalUrl(fullAdvisory()), 'https://security.example.com/.well-known/csaf/white/2026/emb-sa-2026-0007.json');
  });

  it('renders provider-metadata.json valid against the official schema', () => {
    const meta = renderProviderMetadata({ publisher: fullAdvisory().publisher, lastUpdated: '2026-11-22T08:30:00.000Z' });
    assert.deepEqual(schemaErrors(schemas.provider, meta), []);
    assert.equal(meta.canonical_url, 'https://security.example.com/.well-known/csaf/provider-metadata.json');
    assert.equal(meta.distributions.length, 1);
    assert.equal(meta.distributions[0]!.directory_url, 'https://security.example.com/.well-known/csaf/white/');
    assert.equal(meta.role, 'csaf_provider');
    assert.deepEqual(schemaErrors(schemas.provider, readJson('examples/provider-metadata/example-01-provider-metadata.json')), []);
    assert.notDeepEqual(schemaErrors(schemas.provider, { ...meta, role: 'csaf_owner' }), []);
    // With the signing key published (requirement 20) the provider is a trusted one.
    const trusted = renderProviderMetadata({ publisher: fullAdvisory().publisher, lastUpdated: '2026-11-22T08:30:00.000Z', signingKey: { fingerprint: 'ab'.repeat(20), url: 'https://security.example.com/pgp-key.txt' } });
    assert.deepEqual(schemaErrors(schemas.provider, trusted), []);
    assert.equal(trusted.role, 'csaf_trusted_provider');
    assert.deepEqual(trusted.public_openpgp_keys, [{ fingerprint: 'AB'.repeat(20), url: 'https://security.example.com/pgp-key.txt' }]);
  });

  it('takes the publisher and the aggregator listing from the settings, the same in the metadata and the documents', () => {
    const publisher = { ...fullAdvisory().publisher, csaf: { publisherName: 'Example CERT', category: 'coordinator' as const, contactDetails: 'cert@example.org', issuingAuthority: 'Example CERT.', listOnAggregators: false, mirrorOnAggregators: false } };
    const meta = renderProviderMetadata({ publisher, lastUpdated: '2026-11-22T08:30:00.000Z' });
    assert.deepEqual(schemaErrors(schemas.provider, meta), []);
    assert.equal(meta.list_on_CSAF_aggregators, false);
    assert.equal(meta.mirror_on_CSAF_aggregators, false);
    assert.deepEqual(meta.publisher, { category: 'coordinator', contact_details: 'cert@example.org', issuing_authority: 'Example CERT.', name: 'Example CERT', namespace: 'https://security.example.com' });
    assert.deepEqual(renderCsaf(fullAdvisory({ publisher })).document.publisher, meta.publisher);
    const defaults = renderProviderMetadata({ publisher: fullAdvisory().publisher, lastUpdated: '2026-11-22T08:30:00.000Z' });
    assert.equal(defaults.list_on_CSAF_aggregators, true);
    assert.deepEqual(defaults.publisher, { category: 'vendor', contact_details: 'security@example.com', name: 'Example Corp', namespace: 'https://security.example.com' });
  });

  it('renders a ROLIE feed shaped like the specification example, listed in the provider metadata', () => {
    const meta = renderProviderMetadata({ publisher: fullAdvisory().publisher, lastUpdated: '2026-11-22T08:30:00.000Z' });
    assert.deepEqual(meta.distributions[0]!.rolie, { feeds: [{ summary: 'All TLP:WHITE advisories of Example Corp.', tlp_label: 'WHITE', url: 'https://security.example.com/.well-known/csaf/feed-tlp-white.json' }] });
    const advisories = [minimalAdvisory(), fullAdvisory()];
    const feed = renderRolieFeed({ publisher: fullAdvisory().publisher, advisories, updated: '2026-11-22T08:30:00.000Z', signed: true });
    const example = readJson('examples/ROLIE/example-01-feed-tlp-white.json') as { feed: Record<string, unknown> & { entry: Record<string, unknown>[] } };
    // The same members as the specification's example, in feed and entry.
    assert.deepEqual(Object.keys(feed.feed).sort(), Object.keys(example.feed).sort());
    for (const e of feed.feed.entry) assert.deepEqual(Object.keys(e).sort(), Object.keys(example.feed.entry[0]!).sort());
    assert.deepEqual(feed.feed.category, example.feed.category);
    assert.deepEqual(feed.feed.entry[0]!.format, example.feed.entry[0]!.format);
    assert.deepEqual(feed.feed.link, [{ rel: 'self', href: csafRolieFeedUrl('https://security.example.com') }]);
    assert.deepEqual(feed.feed.entry.map((e) => e.id), ['EMB-SA-2026-0007', 'EMB-SA-2026-0001'], 'latest change first');
    const url = 'https://security.example.com/.well-known/csaf/white/2026/emb-sa-2026-0007.json';
    assert.deepEqual(feed.feed.entry[0]!.link, [
      { rel: 'self', href: url },
      { rel: 'hash', href: `${url}.sha256` },
      { rel: 'hash', href: `${url}.sha512` },
      { rel: 'signature', href: `${url}.asc` },
    ]);
    assert.deepEqual(feed.feed.entry[0]!.content, { type: 'application/json', src: url });
    const unsigned = renderRolieFeed({ publisher: fullAdvisory().publisher, advisories, updated: '2026-11-22T08:30:00.000Z', signed: false });
    assert.ok(unsigned.feed.entry.every((e) => !e.link.some((l) => l.rel === 'signature')), 'no signature link without a key');
  });

  it('renders index.txt and changes.csv, latest change first', () => {
    const entries = [
      { id: 'EMB-SA-2025-0003', initialReleaseDate: '2025-12-30T09:00:00Z', currentReleaseDate: '2026-11-23T00:00:00Z' },
      { id: 'EMB-SA-2026-0007', initialReleaseDate: '2026-11-20T10:00:00.000Z', currentReleaseDate: '2026-11-22T08:30:00.000Z' },
      { id: 'EMB-SA-2026-0001', initialReleaseDate: '2026-11-21T12:00:00.000Z', currentReleaseDate: '2026-11-21T12:00:00.000Z' },
    ];
    assert.equal(renderIndexTxt(entries), '2026/emb-sa-2026-0007.json\n2026/emb-sa-2026-0001.json\n2025/emb-sa-2025-0003.json\n');
    assert.equal(
      renderChangesCsv(entries),
      ['"2025/emb-sa-2025-0003.json","2026-11-23T00:00:00Z"', '"2026/emb-sa-2026-0007.json","2026-11-22T08:30:00.000Z"', '"2026/emb-sa-2026-0001.json","2026-11-21T12:00:00.000Z"', ''].join('\n'),
    );
    assert.equal(renderIndexTxt([]), '');
    assert.equal(renderChangesCsv([]), '');
  });
});

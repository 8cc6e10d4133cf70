import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020, type AnySchemaObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { TLP_AMBER_TEXT, type EarlyNoticeContent } from '../../src/early-notices/early-notice-content.ts';
import { renderEarlyNoticeCsaf } from '../../src/early-notices/early-notice-csaf.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';

// The official OASIS CSAF 2.0 schema beside the repository (../shared), as test/advisories/csaf.test.ts uses it.
const conformance = new URL('../../../shared/conformance/csaf-2.0/', import.meta.url);
const schemaJson = (relative: string) => JSON.parse(readFileSync(new URL(relative, conformance), 'utf8')) as AnySchemaObject;
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const version of ['2.0', '3.0', '3.1']) {
  const { $schema: _draft, $id: _id, id: _draft4Id, ...schema } = schemaJson(`referenced_schema/first/cvss-v${version}.json`);
  ajv.addSchema(schema, `https://www.first.org/cvss/cvss-v${version}.json`);
}
ajv.addSchema(schemaJson('json_schema/csaf_json_schema.json'));
const csafSchema = ajv.getSchema('https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json') ?? assert.fail('CSAF schema not loaded');

// BSI's csaf-validator-lib: the strict schema and the 43 mandatory tests (§6.1), as for advisories.
type CsafTest = (doc: unknown) => unknown;
const validatorLib = (file: string): Promise<Record<string, unknown>> => import(`@secvisogram/csaf-validator-lib/${file}`);
const mandatory = Object.values(await validatorLib('mandatoryTests.js')) as CsafTest[];
const { csaf_2_0_strict: strictSchema } = (await validatorLib('schemaTests.js')) as { csaf_2_0_strict: CsafTest };
const { default: validate } = (await validatorLib('validate.js')) as {
  default: (tests: CsafTest[], doc: unknown) => Promise<{ isValid: boolean; tests: { name: string; isValid: boolean; errors: unknown[] }[] }>;
};

const publisher = { name: 'Example "Corp" <&>', baseUrl: 'https://security.example.com', contactEmail: 'security@example.com' };
const content = {
  products: ['example-cloud', 'example-mobile'],
  title: 'Remote code execution in Example Cloud <script>',
  severity: 'Critical (CVSS 3.1 base score 9.8)',
  summary: 'An unauthenticated attacker can run code.',
  mitigation: 'Block port 8443 at the edge.',
  expectedFixDate: '2027-01-15',
};

describe('an early notice as CSAF 2.0 (TLP AMBER)', () => {
  const variants: [string, EarlyNoticeContent][] = [
    ['with severity and a fix date', content],
    ['without severity or date, one product', { ...content, products: ['example-gateway'], severity: '', expectedFixDate: '' }],
  ];
  for (const [name, c] of variants) {
    it(`${name}: valid against the OASIS schema, the strict schema and every mandatory test`, async () => {
      const doc = renderEarlyNoticeCsaf({ trackingId: 'EMB-2026-0042-EN-1', publisher, products: demoProgram.products, content: c, date: new Date('2026-12-03T10:00:00Z') });
      assert.ok(csafSchema(doc), JSON.stringify(csafSchema.errors));
      const v = await validate([strictSchema, ...mandatory], doc);
      assert.deepEqual(v.tests.filter((t) => !t.isValid).map((t) => `${t.name}: ${JSON.stringify(t.errors.slice(0, 3))}`), []);
      assert.equal(v.isValid, true);
      assert.equal(doc.document.distribution.tlp.label, 'AMBER');
      assert.equal(doc.document.distribution.text, TLP_AMBER_TEXT);
      assert.equal(doc.document.tracking.status, 'interim');
      assert.deepEqual(doc.vulnerabilities[0]!.product_status.known_affected, c.products);
    });
  }
});

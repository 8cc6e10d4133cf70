import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';

/** Every operation the API serves; the document must list exactly these. */
const OPERATIONS = [
  'post /api/v1/reports',
  'get /api/v1/reports',
  'get /api/v1/reports/{reference}',
  'get /api/v1/reports/{reference}/messages',
  'post /api/v1/reports/{reference}/messages',
  'post /api/v1/reports/{reference}/state',
  'post /api/v1/reports/{reference}/assignee',
  'post /api/v1/reports/{reference}/severity',
  'post /api/v1/reports/{reference}/disclosure-date',
  'get /api/v1/reports/{reference}/attachments/{id}',
];

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('API documentation', () => {
  let t: TestApp;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: any;
  before(async () => {
    t = await startTestApp();
    const res = await t.app.inject({ url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    doc = JSON.parse(res.body);
  });
  after(async () => {
    await t.close();
  });

  it('is an OpenAPI 3.1 document listing every operation, each protected and answering', async () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.servers[0].url, t.ctx.config.baseUrl);
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    assert.deepEqual(listed.sort(), [...OPERATIONS].sort());
    const ids = new Set<string>();
    for (const op of OPERATIONS) {
      const [method, path] = op.split(' ') as [string, string];
      const operation = doc.paths[path][method];
      assert.ok(operation.operationId && !ids.has(operation.operationId), `${op}: unique operationId`);
      ids.add(operation.operationId);
      assert.deepEqual(operation.security, [{ bearerToken: [] }]);
      assert.ok(operation['x-embargo-scopes'].length > 0);
      assert.ok(operation.responses['401'] && operation.responses['429'], `${op}: documents 401 and 429`);
      assert.ok(Object.keys(operation.responses).some((s) => s.startsWith('2')), `${op}: documents success`);
      for (const p of operation.parameters.filter((x: { in: string }) => x.in === 'path')) assert.ok(path.includes(`{${p.name}}`), `${op}: ${p.name}`);
      // mounted where documented: without a token every operation answers 401, not 404
      const url = path.replace('{reference}', 'EMB-2026-0001').replace('{id}', '00000000-0000-4000-8000-000000000000');
      const res = await t.app.inject({ method: method.toUpperCase() as 'GET' | 'POST', url });
      assert.equal(res.statusCode, 401, `${op} is served`);
    }
  });

  it('resolves every $ref and describes the bodies from the same schemas that validate them', () => {
    for (const ref of refsIn(doc)) {
      const name = /^#\/components\/schemas\/(\w+)$/.exec(ref)?.[1];
      assert.ok(name && doc.components.schemas[name], `dangling ${ref}`);
    }
    const submit = doc.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema;
    for (const field of ['title', 'product', 'productVersion', 'vulnerabilityType', 'description', 'stepsToReproduce', 'impact', 'creditPreference', 'acceptPolicy', 'attachments', 'policyVersion']) {
      assert.ok(submit.properties[field], field);
    }
    assert.ok(submit.required.includes('title'));
    assert.ok(!submit.required.includes('policyVersion'), 'policyVersion is optional over the API');
    assert.ok(!submit.required.includes('attachments'));
    assert.deepEqual(submit.properties.product.enum, ['other', 'example-gateway', 'example-cloud', 'example-mobile']);
    assert.equal(submit.properties.attachments.maxItems, 2);
    const state = doc.paths['/api/v1/reports/{reference}/state'].post;
    assert.ok(state.responses['409'].description.includes('invalid_transition'));
    assert.ok(state.requestBody.content['application/json'].schema.properties.to.enum.includes('acknowledged'));
    // Acknowledging sends the evaluation and the date the program promises: the document says how.
    const stateFields = state.requestBody.content['application/json'].schema.properties;
    assert.match(stateFields.evaluation.description, /to=acknowledged/);
    assert.match(stateFields.expectedResolutionDate.description, /YYYY-MM-DD/);
    assert.match(state.description, /refuses an acknowledgement without them/);
    assert.deepEqual(Object.keys(doc.components.schemas).sort(), ['Attachment', 'CraCase', 'DisclosureDate', 'Error', 'Message', 'Quarantine', 'Report', 'ReportSummary', 'SlaClock']);
    // The EU CRA Article 14 cases of a report (docs/cra.md).
    assert.ok(doc.components.schemas.Report.properties.cra);
    assert.ok(doc.components.schemas.Report.properties.reporter);
    assert.ok(doc.components.schemas.Report.properties.severity && doc.components.schemas.Report.properties.slaClocks);
    assert.ok(doc.components.schemas.Report.properties.quarantine && doc.components.schemas.Report.properties.duplicateOf);
    assert.ok(doc.components.schemas.Report.properties.disclosure);
    assert.equal(doc.components.securitySchemes.bearerToken.scheme, 'bearer');
  });

  it('serves a readable page at /api/docs: every endpoint, no script, no external resource', async () => {
    const res = await t.app.inject({ url: '/api/docs' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.doesNotMatch(res.body, /<script/i);
    assert.doesNotMatch(res.body.replaceAll(t.ctx.config.baseUrl, ''), /(src|href)="https?:/);
    for (const op of OPERATIONS) {
      const [method, path] = op.split(' ') as [string, string];
      assert.ok(res.body.includes(`${method.toUpperCase()} ${path}`), op);
    }
    for (const code of ['validation_failed', 'invalid_transition', 'rate_limited', 'payload_too_large']) assert.ok(res.body.includes(code), code);
    assert.ok(res.body.includes('href="/api/openapi.json"'));
    const redirect = await t.app.inject({ url: '/api' });
    assert.equal(redirect.headers.location, '/api/docs');
  });

  it('answers unknown API paths with JSON not_found', async () => {
    const res = await t.app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.equal(JSON.parse(res.body).error.code, 'not_found');
  });
});

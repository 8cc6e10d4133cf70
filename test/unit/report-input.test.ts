import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCvssVector } from '../../src/domain/cvss.ts';
import { fieldErrors, reportSubmissionSchema } from '../../src/domain/report-input.ts';

const schema = reportSubmissionSchema(['example-cloud']);
const valid = {
  title: 'SQL injection in search',
  product: 'example-cloud',
  productVersion: '1.0',
  vulnerabilityType: 'sqli',
  description: 'The q parameter is concatenated into SQL.',
  stepsToReproduce: "GET /search?q=' OR 1=1--",
  impact: 'Read the whole database.',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
  policyVersion: '1',
};

describe('report submission validation', () => {
  it('accepts a complete anonymous report and trims fields', () => {
    const r = schema.parse({ ...valid, title: '  SQL injection in search  ', reporterEmail: '' });
    assert.equal(r.title, 'SQL injection in search');
    assert.equal(r.reporterEmail, undefined);
    assert.equal(r.policyVersion, 1);
  });

  it('names every missing required field', () => {
    const res = schema.safeParse({});
    assert.equal(res.success, false);
    const errors = fieldErrors(res.error!);
    for (const f of ['title', 'product', 'productVersion', 'vulnerabilityType', 'description', 'stepsToReproduce', 'impact', 'creditPreference', 'acceptPolicy']) {
      assert.ok(errors[f], `expected an error for ${f}`);
    }
    assert.match(errors.acceptPolicy!, /accept the disclosure policy/);
  });

  it('refuses unknown products and vulnerability types', () => {
    const errors = fieldErrors(schema.safeParse({ ...valid, product: 'nope', vulnerabilityType: 'magic' }).error!);
    assert.match(errors.product!, /Choose the affected product/);
    assert.ok(errors.vulnerabilityType);
  });

  it('requires the name or handle the reporter wants to be credited by', () => {
    const errors = fieldErrors(schema.safeParse({ ...valid, creditPreference: 'handle' }).error!);
    assert.match(errors.reporterHandle!, /handle to credit/);
  });

  it('rejects a malformed e-mail and an invalid CVSS vector with a reason', () => {
    const errors = fieldErrors(schema.safeParse({ ...valid, reporterEmail: 'not-an-email', cvssVector: 'CVSS:3.1/AV:N' }).error!);
    assert.match(errors.reporterEmail!, /not an e-mail address/);
    assert.match(errors.cvssVector!, /Every base metric/);
  });

  it('bounds field lengths', () => {
    const errors = fieldErrors(schema.safeParse({ ...valid, title: 'x'.repeat(201) }).error!);
    assert.match(errors.title!, /too long/);
  });
});

describe('CVSS vectors', () => {
  it('scores valid 3.1 and 4.0 vectors', () => {
    assert.deepEqual(checkCvssVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), { ok: true, version: '3.1', score: 9.8 });
    assert.deepEqual(checkCvssVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), { ok: true, version: '4.0', score: 9.3 });
  });
  it('rejects incomplete, repeated, unknown and unversioned vectors', () => {
    assert.equal(checkCvssVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N').ok, false);
    assert.equal(checkCvssVector('CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H').ok, false);
    assert.equal(checkCvssVector('CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H').ok, false);
    assert.equal(checkCvssVector('AV:N/AC:L').ok, false);
  });
});

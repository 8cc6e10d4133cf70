import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillTemplate, unknownVariables, type TemplateValues } from '../../src/canned/template-variables.ts';

const values: TemplateValues = {
  reference: 'EMB-2026-0007',
  title: 'XSS',
  reporterName: 'Ada',
  expectedResolutionDate: '15 January 2027',
  policyUrl: 'https://example.test/policy',
  trackingHint: 'Use your link.',
  programName: 'Example',
};

describe('canned response variables (pure)', () => {
  it('fills known variables, tolerating spaces, and leaves unknown ones visible', () => {
    assert.equal(fillTemplate('Hi {{reporterName}}, {{ reference }} by {{expectedResolutionDate}}; {{nope}}', values), 'Hi Ada, EMB-2026-0007 by 15 January 2027; {{nope}}');
  });

  it('never re-expands a value that itself looks like a variable', () => {
    assert.equal(fillTemplate('{{title}}', { ...values, title: '{{reference}}' }), '{{reference}}');
  });

  it('lists unknown variables once each', () => {
    assert.deepEqual(unknownVariables('{{reference}} {{refrence}} {{refrence}} {{policyUrl}} {{x1}}'), ['refrence', 'x1']);
    assert.deepEqual(unknownVariables('no variables {single} {{ }}'), []);
  });
});

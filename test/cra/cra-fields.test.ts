import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRA_FIELDS, craDraftJson, craDraftMarkdown, missingCraFields, parseCraDraft, prefillCraDraft, type CraPrefillSource } from '../../src/cra/cra-fields.ts';

const source: CraPrefillSource = {
  productName: 'Example Cloud',
  productVersion: '4.2.1',
  vulnerabilityType: 'Authentication bypass',
  cwe: 'CWE-287: Improper Authentication',
  title: 'Login accepts any password',
  description: 'The password check compares the wrong field.',
  impact: 'Any account can be taken over.',
  teamSeverity: 'critical',
  teamCvss: { score: 9.8, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
  advisory: { summary: 'Authentication bypass in Example Cloud', details: 'Detailed: the comparison used the user name.', mitigation: 'Upgrade to 4.2.2, or turn off password sign-in.', cveId: 'CVE-2026-12345', fixedVersions: ['Example Cloud 4.2.2'], publicUrl: null },
};

describe('CRA Article 14 drafts (pure)', () => {
  it('each step asks for the fields of its point of Article 14, required ones marked', () => {
    const keys = (k: 'exploited-vulnerability' | 'severe-incident', s: 'early-warning' | 'notification' | 'final-report') =>
      CRA_FIELDS[k][s].map((f) => `${f.key}${f.required ? '*' : ''}`);
    assert.deepEqual(keys('exploited-vulnerability', 'early-warning'), ['product*', 'memberStates']);
    assert.deepEqual(keys('exploited-vulnerability', 'notification'), ['product*', 'natureOfExploit*', 'natureOfVulnerability*', 'measuresTaken*', 'userMeasures*', 'sensitivity', 'memberStates']);
    assert.deepEqual(keys('exploited-vulnerability', 'final-report'), ['product*', 'description*', 'severityAndImpact*', 'maliciousActor', 'securityUpdate*', 'rootCause']);
    assert.deepEqual(keys('severe-incident', 'early-warning'), ['product*', 'maliciousActs*', 'memberStates']);
    assert.deepEqual(keys('severe-incident', 'notification'), ['product*', 'natureOfIncident*', 'initialAssessment*', 'measuresTaken*', 'userMeasures*', 'sensitivity', 'memberStates']);
    assert.deepEqual(keys('severe-incident', 'final-report'), ['product*', 'description*', 'severityAndImpact*', 'rootCause*', 'mitigation*']);
    assert.equal(CRA_FIELDS['exploited-vulnerability']['final-report'].find((f) => f.key === 'securityUpdate')?.article, 'Art. 14(2)(c)(iii)');
    assert.equal(CRA_FIELDS['severe-incident']['final-report'].find((f) => f.key === 'rootCause')?.article, 'Art. 14(4)(c)(ii)');
  });

  it('pre-fills from the report and the advisory, field by field', () => {
    const n = prefillCraDraft('exploited-vulnerability', 'notification', source);
    assert.equal(n.product, 'Example Cloud, version 4.2.1');
    assert.equal(n.natureOfVulnerability, 'Authentication bypass, CWE-287: Improper Authentication, CVE-2026-12345: Authentication bypass in Example Cloud');
    assert.equal(n.natureOfExploit, undefined, 'how it is exploited is the team’s to say');
    assert.equal(n.measuresTaken, 'Fixed in: Example Cloud 4.2.2\n\nUpgrade to 4.2.2, or turn off password sign-in.');
    assert.equal(n.userMeasures, 'Upgrade to 4.2.2, or turn off password sign-in.');
    assert.equal(n.memberStates, undefined);
    const f = prefillCraDraft('exploited-vulnerability', 'final-report', source);
    assert.equal(f.description, 'Detailed: the comparison used the user name.');
    assert.equal(f.severityAndImpact, 'CVSS 9.8 (critical), CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n\nAny account can be taken over.');
    assert.equal(f.securityUpdate, n.measuresTaken);
    // Without an advisory: the report's own words.
    const bare = prefillCraDraft('severe-incident', 'final-report', { ...source, advisory: null, teamCvss: null, teamSeverity: null });
    assert.deepEqual(bare, { product: 'Example Cloud, version 4.2.1', description: 'The password check compares the wrong field.', severityAndImpact: 'Any account can be taken over.' });
    assert.deepEqual(missingCraFields('severe-incident', 'final-report', bare).map((m) => m.key), ['rootCause', 'mitigation']);
  });

  it('parses only the step’s fields, refuses NUL and overlong text, and names what is missing', () => {
    const { values, errors } = parseCraDraft('exploited-vulnerability', 'early-warning', { product: 'P\r\n', memberStates: 'SE, IT', natureOfExploit: 'not this step', extra: 'x' });
    assert.deepEqual(values, { product: 'P', memberStates: 'SE, IT' });
    assert.deepEqual(errors, {});
    assert.ok(parseCraDraft('exploited-vulnerability', 'early-warning', { product: 'a\u0000b' }).errors.product);
    assert.ok(parseCraDraft('exploited-vulnerability', 'early-warning', { product: 'x'.repeat(20_001) }).errors.product);
    assert.deepEqual(missingCraFields('exploited-vulnerability', 'early-warning', { product: '  ' }).map((m) => m.key), ['product']);
  });

  it('exports JSON and Markdown; an incomplete draft is marked and names the missing fields; team text cannot break out of its block', () => {
    const h = { reference: 'EX-2026-0001', program: 'Example', kind: 'exploited-vulnerability' as const, step: 'notification' as const, awareAt: new Date('2026-12-01T08:00:00Z'), dueAt: new Date('2026-12-04T08:00:00Z'), exportedAt: new Date('2026-12-01T10:00:00Z') };
    const values = { product: 'Example Cloud', natureOfExploit: '# Not a heading\n```\n[link](javascript:alert(1))' };
    const json = JSON.parse(craDraftJson(h, values));
    assert.equal(json.complete, false);
    assert.deepEqual(json.missingRequired, ['natureOfVulnerability', 'measuresTaken', 'userMeasures']);
    assert.equal(json.article, 'Art. 14(2)(b)');
    assert.equal(json.fields.find((x: { key: string }) => x.key === 'natureOfExploit').value, values.natureOfExploit);
    const md = craDraftMarkdown(h, values);
    assert.match(md, /^# Vulnerability notification: actively exploited vulnerability \(Art\. 14\(2\)\(b\)\)/);
    assert.match(md, /\*\*INCOMPLETE: required fields not filled: General nature of the vulnerability; Corrective or mitigating measures taken; Corrective or mitigating measures users can take\.\*\*/);
    assert.match(md, /````text\n# Not a heading\n```\n\[link\]\(javascript:alert\(1\)\)\n````/);
    const complete = { ...values, natureOfVulnerability: 'a', measuresTaken: 'b', userMeasures: 'c' };
    assert.equal(JSON.parse(craDraftJson(h, complete)).complete, true);
    assert.doesNotMatch(craDraftMarkdown(h, complete), /INCOMPLETE/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../../src/db/schema.ts';
import { earlyNoticeHash, parseEarlyNotice, prefillEarlyNotice, TLP_AMBER_TEXT } from '../../src/early-notices/early-notice-content.ts';
import { describeEarlyNoticeEvent } from '../../src/early-notices/early-notice-events.ts';
import { earlyNoticeMail } from '../../src/early-notices/early-notice-mail.ts';
import { ValidationError } from '../../src/errors.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';

const config = { products: demoProgram.products };
const report = {
  product: 'example-cloud',
  product_version: '4.2',
  vulnerability_type: 'ssrf',
  severity: 'high',
  team_cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
  team_cvss_score: '7.5',
  expected_resolution_date: '2027-01-15',
  title: 'SSRF via /hook?url=http://169.254.169.254/',
  description: 'EXPLOIT: curl /hook?url=http://169.254.169.254/latest/meta-data/',
  steps_to_reproduce: 'EXPLOIT STEPS',
} as unknown as Report;

const valid = { products: ['example-cloud'], title: 'SSRF in Example Cloud', severity: 'High', summary: 'S.', mitigation: 'M.', expectedFixDate: '2027-01-15' };

describe('early notice: content, form and mail (pure)', () => {
  it('pre-fills product, severity, score and date, and never the reporter’s exploit details', () => {
    const p = prefillEarlyNotice(report, config);
    assert.deepEqual(p.products, ['example-cloud']);
    assert.equal(p.severity, 'High (CVSS 3.1 base score 7.5)');
    assert.equal(p.expectedFixDate, '2027-01-15');
    assert.equal(p.mitigation, '');
    assert.match(p.summary, /Example Cloud \(reported against version 4\.2\)/);
    assert.doesNotMatch(JSON.stringify(p), /EXPLOIT|169\.254|hook/);
  });

  it('an unknown product pre-fills no product, and an unscored report no severity', () => {
    const p = prefillEarlyNotice({ ...report, product: 'other', severity: null, team_cvss_vector: null, team_cvss_score: null, expected_resolution_date: null } as unknown as Report, config);
    assert.deepEqual([p.products, p.severity, p.expectedFixDate], [[], '', '']);
  });

  it('checks every field at once and names each', () => {
    try {
      parseEarlyNotice({ products: ['toaster'], title: 'two\nlines', severity: 'x'.repeat(101), summary: '', mitigation: ' ', expectedFixDate: '2027-02-30' }, config);
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(Object.keys(err.fields).sort(), ['expectedFixDate', 'mitigation', 'products', 'severity', 'summary', 'title']);
    }
    assert.throws(() => parseEarlyNotice({ ...valid, products: [] }, config), (e: ValidationError) => 'products' in e.fields);
  });

  it('accepts one product as a string or several, dedupes, trims, and an empty date', () => {
    const parsed = parseEarlyNotice({ ...valid, products: ['example-cloud', 'example-mobile', 'example-cloud'], title: '  SSRF  ', expectedFixDate: '' }, config);
    assert.deepEqual(parsed.products, ['example-cloud', 'example-mobile']);
    assert.equal(parsed.title, 'SSRF');
    assert.equal(parsed.expectedFixDate, '');
    assert.deepEqual(parseEarlyNotice({ ...valid, products: 'example-gateway' }, config).products, ['example-gateway']);
  });

  it('hashes the content so an approval covers exactly that text', () => {
    const a = parseEarlyNotice(valid, config);
    assert.equal(earlyNoticeHash(a), earlyNoticeHash({ ...a }));
    assert.notEqual(earlyNoticeHash(a), earlyNoticeHash({ ...a, mitigation: 'Other.' }));
  });

  it('the mail leads with TLP:AMBER and its TLP 2.0 wording, and ends with the unsubscribe line', () => {
    const mail = earlyNoticeMail(
      { vendor: 'Example Corp', baseUrl: 'https://cvd.example.com', products: demoProgram.products, unsubscribeUrl: 'https://cvd.example.com/unsubscribe/T' },
      { content: { ...valid, title: 'A title\r\nBcc: x@example.org' }, selection: { allProducts: false, products: ['example-cloud'] } },
    );
    assert.equal(mail.subject, '[TLP:AMBER] Early security notice from Example Corp: A title Bcc: x@example.org', 'one line: no header injection');
    const lines = mail.text.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['TLP:AMBER', TLP_AMBER_TEXT]);
    assert.match(TLP_AMBER_TEXT, /members of your own organisation and its clients, but only on a need-to-know basis/);
    assert.ok(lines.includes('Affected products: Example Cloud'));
    assert.ok(lines.includes('Expected fix: by 2027-01-15'));
    assert.equal(lines.at(-1), 'Unsubscribe: https://cvd.example.com/unsubscribe/T');
  });

  it('the timeline names who, how many and which products, never who received it', () => {
    assert.equal(describeEarlyNoticeEvent('early-notice-sent', { recipients: 1, products: ['example-cloud'] }, 'Lee'), 'Lee sent a TLP:AMBER early customer notice about example-cloud to 1 subscriber.');
    assert.equal(describeEarlyNoticeEvent('early-notice-sent', { recipients: 0, products: [] }, 'Lee'), 'Lee sent a TLP:AMBER early customer notice to 0 subscribers.');
    assert.equal(describeEarlyNoticeEvent('state-changed', {}, 'Lee'), undefined);
  });
});

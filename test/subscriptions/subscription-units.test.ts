import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toAdvisory, type AdvisoryContent } from '../../src/advisories/advisory-content.ts';
import { composeMail } from '../../src/mail/compose.ts';
import { earlyNoticeRecommendation, type EarlyNoticeInput } from '../../src/subscriptions/early-notice.ts';
import { follows } from '../../src/subscriptions/selection.ts';
import { blankAddress } from '../../src/mail/blank-address.ts';
import { advisoryNoticeMail, confirmationMail, manageMail } from '../../src/subscriptions/subscriber-mails.ts';
import { parseSubscriptionForm } from '../../src/subscriptions/subscription-input.ts';
import { redactUrl } from '../../src/web/redact.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const rule = { fixExpectedBeyondHours: 72, minSeverity: 'high' as const };
const base: EarlyNoticeInput = { rule, state: 'triaged', severity: 'high', expectedResolutionDate: '2026-12-20', hasAdvisory: false, now: NOW };

describe('early customer notice rule', () => {
  it('recommends a notice when the risk is high enough and the fix far enough', () => {
    const text = earlyNoticeRecommendation(base);
    assert.match(text ?? '', /^Early customer notice recommended: severity high \(at least high\) and the fix is expected by 2026-12-20, more than 72 hours away/);
    assert.ok(earlyNoticeRecommendation({ ...base, severity: 'critical' }));
  });
  it('stays quiet below the severity, without a rule, a severity or a date, or once an advisory exists', () => {
    assert.equal(earlyNoticeRecommendation({ ...base, severity: 'medium' }), undefined);
    assert.equal(earlyNoticeRecommendation({ ...base, severity: 'none' }), undefined);
    assert.equal(earlyNoticeRecommendation({ ...base, severity: null }), undefined);
    assert.equal(earlyNoticeRecommendation({ ...base, rule: undefined }), undefined);
    assert.equal(earlyNoticeRecommendation({ ...base, expectedResolutionDate: null }), undefined);
    assert.equal(earlyNoticeRecommendation({ ...base, hasAdvisory: true }), undefined);
  });
  it('applies only while the fix is still ahead', () => {
    for (const state of ['new', 'acknowledged', 'triaged', 'fixing', 'needs-info'] as const) assert.ok(earlyNoticeRecommendation({ ...base, state }), state);
    for (const state of ['fixed', 'disclosed', 'closed', 'duplicate', 'not-applicable', 'spam'] as const) assert.equal(earlyNoticeRecommendation({ ...base, state }), undefined, state);
  });
  it('counts hours to the end of the expected day (UTC), strictly more than the threshold', () => {
    // 2026-11-25 ends at 2026-11-26T00:00Z: 60 hours from NOW; 2026-11-26 ends 84 hours away.
    assert.equal(earlyNoticeRecommendation({ ...base, expectedResolutionDate: '2026-11-25' }), undefined);
    assert.ok(earlyNoticeRecommendation({ ...base, expectedResolutionDate: '2026-11-26' }));
    // Exactly 72 hours away is not "beyond".
    assert.equal(earlyNoticeRecommendation({ ...base, now: new Date('2026-11-24T00:00:00Z'), expectedResolutionDate: '2026-11-26' }), undefined);
    assert.equal(earlyNoticeRecommendation({ ...base, expectedResolutionDate: '2026-10-01' }), undefined, 'a date in the past');
    assert.equal(earlyNoticeRecommendation({ ...base, expectedResolutionDate: 'soon' }), undefined);
  });
});

describe('the subscribe form', () => {
  const ids = ['example-cloud', 'example-gateway'];
  it('takes products as one or several checkboxes, or all products', () => {
    assert.deepEqual(parseSubscriptionForm({ email: ' Ann@Example.org ', products: 'example-cloud' }, ids), { ok: true, value: { email: 'Ann@Example.org', allProducts: false, products: ['example-cloud'] } });
    assert.deepEqual(parseSubscriptionForm({ email: 'a@example.org', products: ['example-cloud', 'example-gateway', 'example-cloud'] }, ids), {
      ok: true,
      value: { email: 'a@example.org', allProducts: false, products: ['example-cloud', 'example-gateway'] },
    });
    assert.deepEqual(parseSubscriptionForm({ email: 'a@example.org', allProducts: 'yes', products: 'example-cloud' }, ids), { ok: true, value: { email: 'a@example.org', allProducts: true, products: [] } });
  });
  it('refuses hostile and wrong input with a message per field', () => {
    const err = (body: Record<string, unknown>) => {
      const r = parseSubscriptionForm(body, ids);
      assert.equal(r.ok, false);
      return r.ok ? {} : r.errors;
    };
    assert.match(err({ email: 'a@b.c\r\nBcc: x@y.z', products: 'example-cloud' }).email!, /one line/);
    assert.match(err({ email: 'a@b.c\nBcc: x@y.z', allProducts: 'yes' }).email!, /line breaks/);
    assert.match(err({ email: `${'a'.repeat(300)}@example.org`, allProducts: 'yes' }).email!, /at most 254 characters/);
    assert.match(err({ email: `${'a'.repeat(65)}@example.org`, allProducts: 'yes' }).email!, /like name@example.com/);
    assert.match(err({ email: 'Ann <a@example.org>', allProducts: 'yes' }).email!, /like name@example.com/);
    assert.match(err({ email: 'a@example.org, b@example.org', allProducts: 'yes' }).email!, /like name@example.com/);
    assert.match(err({ email: '', allProducts: 'yes' }).email!, /Enter your e-mail address/);
    assert.match(err({ email: 'a@example.org' }).products!, /at least one product/);
    assert.match(err({ email: 'a@example.org', products: 'other-vendor-product' }).products!, /from the list/);
  });
});

const content: AdvisoryContent = {
  title: 'SQL injection\r\nBcc: evil@example.net in export',
  summary: 'Attackers with a user account can read other tenants’ data. Update to 4.2.2.',
  details: 'secret-ish details only on the page',
  mitigation: '',
  cveId: 'CVE-2026-12345',
  cweId: 89,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  products: [
    { productId: 'example-cloud', name: 'Example Cloud', introduced: '4.0', fixed: '4.2.2', package: null },
    { productId: 'example-gateway', name: 'Example Gateway', introduced: null, fixed: null, package: null },
  ],
  credits: [],
  references: [],
};
const mailCtx = {
  vendor: 'Example Corp',
  baseUrl: 'https://cvd.example.com',
  products: [{ id: 'example-cloud', name: 'Example Cloud' }, { id: 'example-gateway', name: 'Example Gateway' }],
  unsubscribeUrl: 'https://cvd.example.com/unsubscribe/TOKEN',
};

describe('subscriber mails', () => {
  const advisory = toAdvisory({
    publicId: 'EMB-SA-2026-0001',
    content,
    publisher: { name: 'Example Corp', baseUrl: mailCtx.baseUrl, contactEmail: 'security@example.com' },
    revisions: [{ number: 1, date: '2026-11-23T10:00:00Z', summary: 'Initial release' }, { number: 2, date: '2026-11-24T10:00:00Z', summary: 'Added\nthe gateway' }],
  });

  it('an advisory notice: title, severity, versions, summary and link, never details; one-line subject', () => {
    const m = advisoryNoticeMail(mailCtx, { advisory, revision: 1, selection: { allProducts: false, products: ['example-cloud'] } });
    assert.equal(m.subject, '[EMB-SA-2026-0001] Security advisory: SQL injection Bcc: evil@example.net in export');
    assert.match(m.text, /^Example Corp published a security advisory about products you follow\./);
    assert.match(m.text, /Severity: High \(CVSS 3\.1 8\.8\)/);
    assert.match(m.text, /CVE: CVE-2026-12345/);
    assert.match(m.text, /- Example Cloud: affected 4\.0 up to, not including, 4\.2\.2; fixed in 4\.2\.2/);
    assert.match(m.text, /- Example Gateway: affected all versions; no fixed version yet/);
    assert.match(m.text, /Update to 4\.2\.2\./);
    assert.match(m.text, /https:\/\/cvd\.example\.com\/advisories\/EMB-SA-2026-0001/);
    assert.match(m.text, /for: Example Cloud\.\nUnsubscribe: https:\/\/cvd\.example\.com\/unsubscribe\/TOKEN/);
    assert.ok(!m.text.includes('secret-ish'));
  });

  it('an updated advisory says so, with the revision note', () => {
    const m = advisoryNoticeMail(mailCtx, { advisory, revision: 2, selection: { allProducts: true, products: [] } });
    assert.match(m.subject, /^\[EMB-SA-2026-0001\] Updated security advisory \(revision 2\): /);
    assert.match(m.text, /^Example Corp updated a security advisory about products you follow \(revision 2: Added the gateway\)\./);
    assert.match(m.text, /for: all Example Corp products\./);
  });

  it('confirmation and "your subscription" mails carry the link and the unsubscribe address', () => {
    const c = confirmationMail(mailCtx, { confirmUrl: 'https://cvd.example.com/subscribe/confirm/T', selection: { allProducts: false, products: ['example-gateway'] } });
    assert.match(c.text, /for: Example Gateway\.[\s\S]*https:\/\/cvd\.example\.com\/subscribe\/confirm\/T[\s\S]*Unsubscribe: /);
    const change = manageMail(mailCtx, { confirmUrl: 'https://x/c', current: { allProducts: false, products: ['example-cloud'] }, requested: { allProducts: true, products: [] } });
    assert.match(change.text, /already subscribed [\s\S]*for: Example Cloud\.[\s\S]*change this to: all Example Corp products\.[\s\S]*https:\/\/x\/c/);
    const same = manageMail(mailCtx, { confirmUrl: 'https://x/c', current: { allProducts: true, products: [] }, requested: { allProducts: true, products: [] } });
    assert.ok(!same.text.includes('https://x/c'), 'nothing to confirm when nothing changes');
  });

  it('composes RFC 8058 one-click headers', async () => {
    const raw = (await composeMail({ from: 'security@example.com', to: 'a@example.org', subject: 's', text: 't', messageId: 'm@example.com', listUnsubscribe: 'https://cvd.example.com/unsubscribe/abc' })).toString();
    assert.match(raw, /\r\nList-Unsubscribe: <https:\/\/cvd\.example\.com\/unsubscribe\/abc>\r\n/);
    assert.match(raw, /\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
  });
});

describe('subscription helpers', () => {
  it('matches advisories to what a subscriber follows', () => {
    assert.equal(follows({ allProducts: true, products: [] }, []), true);
    assert.equal(follows({ allProducts: false, products: ['a'] }, ['b', 'a']), true);
    assert.equal(follows({ allProducts: false, products: ['a'] }, ['b']), false);
  });
  it('blanks the address out of relay answers, in any case', () => {
    assert.equal(blankAddress('550 5.1.1 <Ann@Example.org>: Recipient unknown; ann@example.org', 'ann@example.org'), '550 5.1.1 <[address]>: Recipient unknown; [address]');
  });
  it('keeps capability tokens out of logged URLs', () => {
    assert.equal(redactUrl('/subscribe/confirm/abc?x=1'), '/subscribe/confirm/[redacted]?[query]');
    assert.equal(redactUrl('/unsubscribe/abc'), '/unsubscribe/[redacted]');
  });
});

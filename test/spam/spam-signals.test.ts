import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { contentSignals, decideQuarantine } from '../../src/triage/spam-signals.ts';

const good = {
  title: 'Account takeover through the password reset link',
  description: 'The password reset token is not bound to the account it was issued for, so a token issued to me resets any other account.',
  stepsToReproduce: '1. Request a reset for my account\n2. Change uid=2 to uid=1 in the link\n3. Set a new password',
  impact: 'Anyone can take over any account, including administrators.',
};

describe('spam signals (pure)', () => {
  it('finds nothing in a good-faith report, even with an honest AI declaration', () => {
    assert.deepEqual(contentSignals(good), []);
    assert.deepEqual(contentSignals({ ...good, aiAssistance: 'writing' }), []);
    assert.deepEqual(contentSignals({ ...good, aiAssistance: 'finding' }), ['ai-found']);
    assert.equal(decideQuarantine(contentSignals({ ...good, aiAssistance: 'finding' })).quarantined, false, 'one weak signal alone never quarantines');
  });

  it('flags low effort, placeholder steps and machine boilerplate', () => {
    const s = contentSignals({ title: 'Bug', description: 'Your site is vulnerable to XSS attacks.', stepsToReproduce: 'N/A', impact: 'Very bad for you.' });
    assert.deepEqual(s, ['low-effort', 'no-steps']);
    assert.deepEqual(decideQuarantine(s), { quarantined: true, reasons: ['low-effort', 'no-steps'] });
    assert.ok(contentSignals({ ...good, description: `${good.description} As an AI language model I cannot verify this. [Insert company name]` }).includes('machine-text'));
  });

  it('quarantines on any strong signal alone', () => {
    for (const strong of ['blocked-email', 'blocked-ip', 'address-rate'] as const) {
      assert.deepEqual(decideQuarantine([strong]), { quarantined: true, reasons: [strong] });
    }
    assert.deepEqual(decideQuarantine([]), { quarantined: false, reasons: [] });
  });

  it('hashes senders with a key from the instance secret, normalising case and IPv4-mapped addresses', () => {
    const secret = new InstanceSecret(randomBytes(32), 'test');
    const h = senderHasher(secret);
    assert.deepEqual(h.email(' Grace@Example.ORG '), h.email('grace@example.org'));
    assert.deepEqual(h.ip('::ffff:192.0.2.7'), h.ip('192.0.2.7'));
    assert.notDeepEqual(h.email('192.0.2.7'), h.ip('192.0.2.7'), 'kinds are separated');
    assert.notDeepEqual(senderHasher(new InstanceSecret(randomBytes(32), 'other')).email('grace@example.org'), h.email('grace@example.org'));
    assert.equal(h.email('grace@example.org').length, 32);
  });
});

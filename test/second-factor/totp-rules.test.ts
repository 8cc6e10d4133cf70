import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { ENROLMENT_MS, openEnrolment, sealEnrolment } from '../../src/staff/second-factor/enrolment.ts';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from '../../src/staff/second-factor/recovery-codes.ts';
import { checkTotp, newTotpSecret, normalizeTotpCode, otpauthUri, totpCode, totpStep } from '../../src/staff/second-factor/totp.ts';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP rules', () => {
  it('matches the RFC 6238 test vectors (SHA-1, last six digits)', () => {
    assert.equal(totpCode(RFC_SECRET, new Date(59_000)), '287082');
    assert.equal(totpCode(RFC_SECRET, new Date(1111111109_000)), '081804');
    assert.equal(totpCode(RFC_SECRET, new Date(2000000000_000)), '279037');
  });

  it('makes 160-bit base32 secrets and an otpauth URI authenticator apps read', () => {
    const a = newTotpSecret();
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.notEqual(a, newTotpSecret());
    const uri = new URL(otpauthUri(a, 'ana@example.com', 'Example Security'));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/Example Security:ana@example.com');
    assert.equal(uri.searchParams.get('secret'), a);
    assert.equal(uri.searchParams.get('issuer'), 'Example Security');
    assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
    assert.equal(uri.searchParams.get('digits'), '6');
    assert.equal(uri.searchParams.get('period'), '30');
  });

  it('accepts the current step and one step either side, nothing further', () => {
    const secret = newTotpSecret();
    const now = new Date(1_800_000_015_000);
    const step = totpStep(now);
    const at = (offsetSteps: number) => totpCode(secret, new Date(now.getTime() + offsetSteps * 30_000));
    assert.deepEqual(checkTotp(secret, at(0), now, undefined), { ok: true, step });
    assert.deepEqual(checkTotp(secret, at(-1), now, undefined), { ok: true, step: step - 1 });
    assert.deepEqual(checkTotp(secret, at(1), now, undefined), { ok: true, step: step + 1 });
    assert.deepEqual(checkTotp(secret, at(-2), now, undefined), { ok: false, reason: 'invalid' });
    assert.deepEqual(checkTotp(secret, at(2), now, undefined), { ok: false, reason: 'invalid' });
    assert.deepEqual(checkTotp(newTotpSecret(), at(0), now, undefined).ok, false);
  });

  it('refuses a code of a step already used, or of an earlier one', () => {
    const secret = newTotpSecret();
    const now = new Date(1_800_000_015_000);
    const step = totpStep(now);
    const code = totpCode(secret, now);
    assert.deepEqual(checkTotp(secret, code, now, step - 1), { ok: true, step });
    assert.deepEqual(checkTotp(secret, code, now, step), { ok: false, reason: 'replayed' });
    const earlier = totpCode(secret, new Date(now.getTime() - 30_000));
    assert.deepEqual(checkTotp(secret, earlier, now, step), { ok: false, reason: 'replayed' });
    assert.deepEqual(checkTotp(secret, totpCode(secret, new Date(now.getTime() + 30_000)), now, step), { ok: true, step: step + 1 });
  });

  it('reads typed codes with spaces, and nothing but six digits', () => {
    assert.equal(normalizeTotpCode(' 123 456 '), '123456');
    for (const bad of ['', '12345', '1234567', '12345a', '١٢٣٤٥٦']) assert.equal(normalizeTotpCode(bad), undefined, bad);
    assert.deepEqual(checkTotp(newTotpSecret(), 'abcdef', new Date(), undefined), { ok: false, reason: 'invalid' });
  });
});

describe('recovery codes', () => {
  it('are ten different 100-bit codes in four groups of five', () => {
    const codes = newRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[a-z2-7]{5}(-[a-z2-7]{5}){3}$/);
  });

  it('are matched ignoring case, spaces and dashes, and stored as SHA-256 only', () => {
    const [code] = newRecoveryCodes(1);
    const normalized = normalizeRecoveryCode(code!)!;
    assert.equal(normalized, code!.replace(/-/g, ''));
    assert.equal(normalizeRecoveryCode(` ${code!.toUpperCase().replace(/-/g, ' ')} `), normalized);
    assert.deepEqual(hashRecoveryCode(normalized), createHash('sha256').update(normalized).digest());
    for (const bad of ['', '123456', 'abcde-abcde-abcde', 'abcde-abcde-abcde-abcd1', 'abcde-abcde-abcde-abcdef']) assert.equal(normalizeRecoveryCode(bad), undefined, bad);
  });
});

describe('the sealed enrolment field', () => {
  const secret = new InstanceSecret(randomBytes(32), 'test');
  it('opens only for its user, unaltered and before it expires', () => {
    const totp = newTotpSecret();
    const now = new Date();
    const field = sealEnrolment(secret, 'user-a', totp, now);
    assert.ok(!field.includes(totp) && !Buffer.from(field, 'base64url').toString('latin1').includes(totp));
    assert.equal(openEnrolment(secret, 'user-a', field, now), totp);
    assert.equal(openEnrolment(secret, 'user-b', field, now), undefined);
    assert.equal(openEnrolment(secret, 'user-a', field, new Date(now.getTime() + ENROLMENT_MS + 1)), undefined);
    const bytes = Buffer.from(field, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    assert.equal(openEnrolment(secret, 'user-a', bytes.toString('base64url'), now), undefined);
    assert.equal(openEnrolment(new InstanceSecret(randomBytes(32), 'other'), 'user-a', field, now), undefined);
    assert.equal(openEnrolment(secret, 'user-a', 'not a field', now), undefined);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { classifyMail, messageIds } from '../../src/mail-intake/classify.ts';
import { cleanSubject, stripQuotedTail } from '../../src/mail-intake/mail-to-report.ts';
import { canonicalCrlf, contentType, multipartParts, parseEntity } from '../../src/mail-intake/mime-split.ts';
import { matchProgramAddress, replyAddress } from '../../src/mail/reply-address.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';

const secret = new InstanceSecret(randomBytes(32), 'test');

describe('mail: pure pieces', () => {
  it('makes reply addresses that verify, survive lower-casing, and resist guessing', () => {
    const address = replyAddress(secret, 'Security@Example.com', undefined, 'EMB-2026-0042');
    assert.match(address, /^security\+emb-2026-0042\.[a-z2-7]{16}@example\.com$/);
    assert.deepEqual(matchProgramAddress(secret, address.toUpperCase(), 'security@example.com', undefined), { kind: 'reply', reference: 'EMB-2026-0042' });
    assert.deepEqual(matchProgramAddress(secret, address.replace('0042', '0043'), 'security@example.com', undefined), { kind: 'bad-tag' });
    const other = new InstanceSecret(randomBytes(32), 'other');
    assert.deepEqual(matchProgramAddress(other, address, 'security@example.com', undefined), { kind: 'bad-tag' });
    assert.deepEqual(matchProgramAddress(secret, 'security@example.com', 'security@example.com', undefined), { kind: 'contact' });
    assert.equal(matchProgramAddress(secret, 'securityx@example.com', 'security@example.com', undefined), undefined);
    assert.equal(matchProgramAddress(secret, 'security@evil.example', 'security@example.com', undefined), undefined);
    const sub = replyAddress(secret, 'security@example.com', 'reports.example.com', 'EMB-2026-0042');
    assert.match(sub, /@reports\.example\.com$/);
    assert.deepEqual(matchProgramAddress(secret, sub, 'security@example.com', 'reports.example.com'), { kind: 'reply', reference: 'EMB-2026-0042' });
    assert.deepEqual(matchProgramAddress(secret, 'security@reports.example.com', 'security@example.com', 'reports.example.com'), { kind: 'contact' });
  });

  it('tells machines from people (RFC 3834)', () => {
    const kind = (headers: Record<string, string>, envelopeFrom: string | undefined = 'a@example.org', from = 'a@example.org') =>
      classifyMail({ envelopeFrom, header: (n) => headers[n], fromAddress: from, ownAddresses: ['security@example.com'] }).kind;
    assert.equal(kind({}), 'person');
    assert.equal(kind({ 'auto-submitted': 'no' }), 'person');
    assert.equal(kind({}, ''), 'bounce');
    assert.equal(kind({ 'content-type': 'multipart/report; report-type=delivery-status; boundary=x' }), 'bounce');
    assert.equal(kind({}, undefined, 'MAILER-DAEMON@mx.example.org'), 'bounce');
    assert.equal(kind({ 'auto-submitted': 'auto-replied (vacation)' }), 'auto-reply');
    assert.equal(kind({ 'x-autoreply': 'yes' }), 'auto-reply');
    assert.equal(kind({ precedence: 'auto_reply' }), 'auto-reply');
    assert.equal(kind({ 'auto-submitted': 'auto-generated' }), 'automatic');
    assert.equal(kind({ precedence: 'bulk' }), 'automatic');
    assert.equal(kind({ 'list-id': '<x.lists.example>' }), 'automatic');
    assert.equal(kind({}, 'security@example.com', 'Security@Example.com'), 'loop');
  });

  it('reads Message-IDs, subjects and quoted replies', () => {
    assert.deepEqual(messageIds('<a@x> junk <b@y>\r\n <c@z>'), ['a@x', 'b@y', 'c@z']);
    assert.deepEqual(messageIds(undefined), []);
    assert.equal(cleanSubject('Re: AW: Fwd:  [EMB-1] XSS  here'), '[EMB-1] XSS here');
    assert.equal(stripQuotedTail('New info.\n\nOn Mon, 1 Jan 2026, Team wrote:\n> old\n>\n> older\n'), 'New info.');
    assert.equal(stripQuotedTail('> only a quote'), '> only a quote', 'nothing left: kept whole');
    assert.equal(stripQuotedTail('Inline\n> quoted\nanswer below'), 'Inline\n> quoted\nanswer below', 'interleaved replies are kept');
  });

  it('splits multiparts exactly as signatures need them', () => {
    const body = Buffer.from('preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b\r\n\r\nsecond\r\n--b--\r\nepilogue');
    const parts = multipartParts(body, 'b').map((p) => p.toString());
    assert.deepEqual(parts, ['Content-Type: text/plain\r\n\r\nfirst', '\r\nsecond']);
    assert.deepEqual(multipartParts(Buffer.from('--b\nA\n--b\nB'), 'b').map(String), ['A', 'B'], 'unterminated and LF-only still yields the parts');
    const entity = parseEntity(Buffer.from('Content-Type: multipart/signed;\r\n micalg=pgp-sha256; protocol="application/pgp-signature";\r\n\tboundary="x y"\r\n\r\nbody'));
    assert.deepEqual(contentType(entity), { type: 'multipart/signed', params: { micalg: 'pgp-sha256', protocol: 'application/pgp-signature', boundary: 'x y' } });
    assert.equal(canonicalCrlf(Buffer.from('a\nb\r\nc')).toString(), 'a\r\nb\r\nc');
  });

  it('reads the mail settings from the environment', () => {
    const c = loadConfig({ EMBARGO_SMTP_LISTEN: '[::1]:2525', EMBARGO_IMAP_URL: 'imaps://u:p@imap.example.com/INBOX', EMBARGO_IMAP_PROCESSED: 'move:Done' });
    assert.deepEqual(c.mail.intake.smtpListen, { host: '::1', port: 2525 });
    assert.deepEqual(c.mail.intake.imap?.processed, { kind: 'move', folder: 'Done' });
    assert.equal(c.mail.intake.tls, undefined);
    assert.throws(() => loadConfig({ EMBARGO_SMTP_LISTEN: 'localhost' }), /EMBARGO_SMTP_LISTEN: must be host:port/);
    assert.throws(() => loadConfig({ EMBARGO_SMTP_LISTEN: '0.0.0.0:99999' }), ConfigError);
    assert.throws(() => loadConfig({ EMBARGO_SMTP_TLS_CERT: 'cert.pem' }), /must be set together/);
    assert.throws(() => loadConfig({ EMBARGO_IMAP_PROCESSED: 'delete' }), /flag or move:<folder>/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReportSubmission } from '../../src/domain/report-input.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { findLikelyDuplicates, type DuplicateCandidate } from '../../src/triage/find-likely-duplicates.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testVault } from '../helpers/factories.ts';

type R = Pick<ReportSubmission, 'title' | 'product' | 'vulnerabilityType' | 'description' | 'impact'>;
const r = (title: string, product: string, vulnerabilityType: R['vulnerabilityType'], description: string, impact: string): R =>
  ({ title, product, vulnerabilityType, description, impact });

/** The new report of each query, and which fixture reports truly describe the same bug. */
const HTTP2 = r('Heap buffer overflow in HTTP/2 header parser', 'example-gateway', 'memory',
  "Sending a HEADERS frame with a very long header value (over 64 KiB) to the gateway's HTTP/2 listener overflows a heap buffer in the HPACK header parser. The worker process crashes; with a crafted value the bytes written past the buffer are attacker-controlled.",
  'Remote code execution on the gateway.');
const XSS = r('XSS in admin user list through display name', 'example-cloud', 'xss',
  'Setting my display name to <img src=x onerror=alert(document.domain)> makes the script run for every administrator who opens /admin/users. The name is inserted into the table without escaping.',
  'Account takeover of administrators.');

const FIXTURE: Record<string, R> = {
  // True duplicates of HTTP2, written by other people in other words.
  D1: r('Gateway crashes on oversized HPACK header block', 'example-gateway', 'memory',
    'The gateway worker segfaults when an HTTP/2 client sends a header block larger than 64KB. ASan reports a heap-buffer-overflow write in hpack_decode_header(). Looks exploitable.',
    'Denial of service, probably code execution.'),
  D2: r('Out-of-bounds write when decoding HTTP2 headers', 'example-gateway', 'memory',
    'HPACK decoding in the HTTP/2 frontend copies the header value into a fixed-size heap buffer without checking its length. A long header value from any client overwrites adjacent heap memory.',
    'Memory corruption reachable without authentication.'),
  D3: r('Remote memory corruption via long HTTP/2 header values', 'other', 'memory',
    'A remote, unauthenticated attacker can corrupt the heap of the Example Gateway by sending HTTP/2 requests with header values longer than 65535 bytes. The parser overflows its buffer.',
    'Crash of the service and possibly code execution.'),
  // Decoys on the same product.
  X1: r('Open redirect after login on the gateway portal', 'example-gateway', 'other',
    "The next parameter of /login on the gateway portal accepts any absolute URL, so a crafted link sends users to an attacker's site after they sign in.",
    'Phishing with a trusted domain.'),
  X2: r('Admin console of the gateway lacks CSRF protection', 'example-gateway', 'csrf',
    'Configuration changes in the gateway admin console are plain POST forms without a CSRF token; a malicious page can change the upstream servers of a logged-in admin.',
    'Traffic redirection by a malicious web page.'),
  X3: r('Gateway still accepts TLS 1.0 and RC4', 'example-gateway', 'crypto',
    "The gateway's HTTPS listener negotiates TLS 1.0 with RC4 cipher suites, which are broken; a network attacker can downgrade connections.",
    'Interception of traffic by a network attacker.'),
  X4: r('HTTP/1.1 request smuggling through the gateway', 'example-gateway', 'other',
    'The gateway and the upstream disagree on requests with both Content-Length and Transfer-Encoding headers, which lets an attacker smuggle a second request to the backend.',
    'Cache poisoning and bypass of access rules.'),
  X5: r('Slowloris denial of service against the gateway', 'example-gateway', 'dos',
    "Opening many connections and sending one header line every few seconds exhausts the gateway's connection pool; legitimate clients get timeouts.",
    'The gateway stops serving requests.'),
  X6: r('Integer overflow in gateway rate limiter counter', 'example-gateway', 'memory',
    'The per-IP request counter is a 16-bit integer that wraps after 65535 requests, so the rate limit resets and an attacker is never throttled.',
    'Rate limiting is ineffective.'),
  // Other products, one of them a buffer overflow too.
  M4: r('Buffer overflow in mobile app image decoder', 'example-mobile', 'memory',
    "A crafted PNG with a huge iTXt chunk overflows a heap buffer in the app's native image decoder and crashes the app.",
    'Code execution in the app when viewing an image.'),
  M1: r('Mobile app does not pin the TLS certificate', 'example-mobile', 'crypto',
    'The Android app accepts any certificate signed by a user-installed CA, so a proxy can read all API traffic.', 'Interception of API tokens.'),
  M2: r('API key hard-coded in the Android app', 'example-mobile', 'info',
    'The APK contains a production API key for the push service in res/values/strings.xml.', 'Anyone can send push notifications to all users.'),
  M3: r('Mobile app logs session tokens to logcat', 'example-mobile', 'info',
    'After login the app writes the bearer token to the system log, readable by other apps on older Android versions.', 'Session hijacking on shared devices.'),
  // True duplicates of XSS, and its decoys.
  C1: r('Stored XSS in the user list', 'example-cloud', 'xss',
    'The display name is rendered without escaping in /admin/users, so a name containing a script tag runs in the browser of admins.',
    'Session theft of administrators.'),
  C2: r('Stored cross-site scripting via display name in admin users page', 'example-cloud', 'xss',
    'Profile display names are shown unescaped on the admin users page; <svg onload=alert(1)> as a name fires for every admin who views the list.',
    'An attacker becomes administrator.'),
  C3: r('Reflected XSS in search box', 'example-cloud', 'xss',
    'The q parameter of /search is echoed into the page without escaping: /search?q=<script>alert(1)</script>.',
    'Script execution for users who click a link.'),
  C4: r("IDOR lets any user download other tenants' invoices", 'example-cloud', 'idor',
    'GET /api/invoices/{id} returns the invoice PDF for any id, not only the ones of the caller’s tenant.', 'Disclosure of billing data.'),
  C5: r('SSRF via webhook URL in cloud integrations', 'example-cloud', 'ssrf',
    'The webhook test button fetches any URL server-side, including http://169.254.169.254/ metadata.', 'Theft of cloud credentials.'),
  C6: r('Password reset token does not expire', 'example-cloud', 'auth',
    'Password reset links keep working weeks after they were sent and after the password was changed.', 'Account takeover from old e-mails.'),
};

for (const kind of await databaseKinds()) {
  describe(`likely duplicates on ${kind}`, () => {
    let t: TestDatabase;
    let programId: string;
    const ids = new Map<string, string>();
    const name = (c: DuplicateCandidate) => [...ids].find(([, id]) => id === c.reportId)?.[0] ?? c.reference;

    before(async () => {
      t = await freshDatabase(kind);
      programId = (await demo(t.db)).id;
      for (const [key, report] of Object.entries(FIXTURE)) ids.set(key, (await makeReport(t.db, report)).id);
      // A copy of the HTTP/2 report closed as spam must never be suggested.
      const spam = await makeReport(t.db, HTTP2);
      const staff = await makeStaff(t.db, 'triager');
      await changeState(t.db, testVault, { reportId: spam.id, to: 'spam', actorId: staff.id });
    });
    after(async () => {
      await t.close();
    });

    it('ranks the three HTTP/2 overflow reports above every decoy, with reasons', async () => {
      const found = await findLikelyDuplicates(t.db, testVault, { programId, ...HTTP2, limit: 10 });
      const names = found.map(name);
      assert.deepEqual(new Set(names.slice(0, 3)), new Set(['D1', 'D2', 'D3']), names.join(' '));
      assert.ok(found.every((c, i) => i === 0 || c.score <= found[i - 1]!.score));
      const d1 = found.find((c) => name(c) === 'D1')!;
      assert.match(d1.reason, /^same product; .*shares: .*\b(hpack|header|http\/2)\b/);
      const d3 = found.find((c) => name(c) === 'D3')!;
      assert.doesNotMatch(d3.reason, /same product/, 'D3 was filed under "other"');
      assert.match(d3.reason, /shares: /);
      assert.ok(!names.includes('M1') && !names.includes('C4'), 'unrelated reports do not come up at all');
    });

    it('ranks the stored XSS duplicates above the reflected XSS on the same product', async () => {
      const found = await findLikelyDuplicates(t.db, testVault, { programId, ...XSS, limit: 5 });
      const names = found.map(name);
      assert.deepEqual(new Set(names.slice(0, 2)), new Set(['C1', 'C2']), names.join(' '));
      assert.ok(names.indexOf('C3') > 1);
      assert.match(found[0]!.reason, /same product; .*shares: .*(display|name|admin)/);
    });

    it('leaves out the report itself, honours the limit, and finds nothing for an unrelated text', async () => {
      const d1 = FIXTURE.D1!;
      const found = await findLikelyDuplicates(t.db, testVault, { programId, ...d1, excludeReportId: ids.get('D1'), limit: 2 });
      assert.equal(found.length, 2);
      assert.ok(!found.some((c) => c.reportId === ids.get('D1')));
      assert.equal(name(found[0]!), 'D2');
      const none = await findLikelyDuplicates(t.db, testVault, { programId, title: 'Quarterly picnic', description: 'Bring sandwiches and lemonade for everyone.', product: 'other' });
      assert.deepEqual(none, []);
    });
  });
}

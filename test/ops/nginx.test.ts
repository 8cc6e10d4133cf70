import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, repoRoot, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { requirePeer } from '../helpers/peers.ts';
import { attachmentFor } from '../backup/backup-helpers.ts';

const runNginx = await requirePeer('nginx');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request through nginx, trusting only the test's own certificate. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; ca?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, { method: options.method ?? 'GET', headers: options.headers, ...(options.ca ? { ca: options.ca, servername: 'localhost' } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const cookiesOf = (a: Answer) => (a.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');

describe('docs/deploy/nginx.conf in front of Embargo', { skip: !runNginx }, () => {
  let dir: string;
  let nginx: ChildProcess;
  let server: EmbargoProcess;
  let base: string;
  let plain: string;
  let ca: Buffer;
  let nginxLog = '';

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-nginx-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    ca = readFileSync(path.join(dir, 'cert.pem'));
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    base = `https://localhost:${httpsPort}`;
    plain = `http://127.0.0.1:${httpPort}`;
    server = await startEmbargo({ env: { EMBARGO_BASE_URL: base, EMBARGO_TRUST_PROXY: 'true' } });
    // The documented file, with only the lines it marks as site-specific changed.
    const site = readFileSync(path.join(repoRoot, 'docs/deploy/nginx.conf'), 'utf8')
      .split('\n')
      .filter((l) => !/# upstream$/.test(l) || l.includes(':3000;'))
      .join('\n')
      .replace(/server 127\.0\.0\.1:3000;\s+# upstream/, `server 127.0.0.1:${server.port};`)
      .replace(/listen 80;\s+# plain-http/, `listen 127.0.0.1:${httpPort};`)
      .replace(/listen 443 ssl http2;\s+# https/, `listen 127.0.0.1:${httpsPort} ssl http2;`)
      .replace(/ssl_certificate \s*\S+;\s+# certificate\n/, `ssl_certificate ${path.join(dir, 'cert.pem')};\n`)
      .replace(/ssl_certificate_key \S+;\s+# certificate-key/, `ssl_certificate_key ${path.join(dir, 'key.pem')};`)
      .replaceAll('security.example.com;   # server-name', 'localhost;');
    assert.ok(site.includes(String(server.port)) && site.includes(path.join(dir, 'cert.pem')) && site.includes(path.join(dir, 'key.pem')), site);
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      `master_process off;\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  fastcgi_temp_path ${dir}/fcgi;\n  uwsgi_temp_path ${dir}/uwsgi;\n  scgi_temp_path ${dir}/scgi;\n${site}\n}\n`,
    );
    nginx = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (d) => (nginxLog += d));
    for (let i = 0; ; i++) {
      try {
        if ((await request(`${base}/healthz`, { ca })).status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (i > 100 || nginx.exitCode !== null) throw new Error(`nginx did not come up: ${nginxLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    nginx?.kill('SIGTERM');
    await server?.stop();
    server?.removeFiles();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends plain http to https', async () => {
    const r = await request(`${plain}/report`);
    assert.equal(r.status, 301);
    assert.match(r.headers.location ?? '', /^https:\/\/localhost\/report$/);
  });

  it('serves the form over TLS with HSTS and Secure, __Host- cookies', async () => {
    const r = await request(`${base}/report`, { ca });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/);
    assert.match((r.headers['set-cookie'] ?? []).join('\n'), /__Host-embargo_csrf=[^;]+;.*Secure/);
    // The proxy's X-Forwarded-Proto, trusted, lets the page say what is true: the connection is encrypted.
    assert.match(r.body, /protected by the encrypted connection \(TLS\)/);
  });

  it('takes a report with an attachment through the proxy, streamed, and shows its tracking page', async () => {
    const page = await request(`${base}/report`, { ca });
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)![1]!;
    const form = new FormData();
    for (const [k, v] of Object.entries({ _csrf: field('_csrf'), policyVersion: field('policyVersion'), title: 'Through the proxy', product: 'example-cloud', productVersion: '1', vulnerabilityType: 'xss', description: 'A report sent through nginx.', stepsToReproduce: '1. Send it.', impact: 'Nothing worse than a test.', cvssVector: '', reporterName: '', reporterHandle: '', reporterEmail: '', creditPreference: 'anonymous', acceptPolicy: 'yes' })) form.append(k, v);
    form.append('attachments', new Blob([new Uint8Array(attachmentFor(7))]), 'poc.bin');
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const r = await request(`${base}/report`, { method: 'POST', ca, body, headers: { cookie: cookiesOf(page), 'content-type': encoded.headers.get('content-type')!, 'content-length': String(body.length) } });
    assert.equal(r.status, 303, (r.body.match(/class="(?:field-)?error[^"]*"[^>]*>[^<]*/g) ?? []).join(' | ') || r.body.slice(0, 300));
    const track = await request(`${base}${r.headers.location}`, { ca });
    assert.equal(track.status, 200);
    assert.match(track.body, /Through the proxy/);
  });

  it('passes the client address on, and a client cannot choose it with its own X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const page = await request(`${base}/staff/login`, { ca });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const body = Buffer.from(new URLSearchParams({ _csrf: csrf, email: 'someone@example.com', password: 'guess' }).toString());
      // Each guess claims another network; nginx replaces the header, so they all count for 127.0.0.1.
      const r = await request(`${base}/staff/login`, { method: 'POST', ca, body, headers: { cookie: cookiesOf(page), 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), 'x-forwarded-for': `192.0.2.${i}, 198.51.${i}.1` } });
      statuses.push(r.status);
    }
    assert.ok(statuses.includes(429), `spoofed addresses escaped the per-network limit: ${statuses.join(' ')}`);
  });

  it('proxies /readyz to the proxy host itself (the only address its location allows)', async () => {
    const r = await request(`${base}/readyz`, { ca });
    assert.equal(r.status, 200, r.body);
    assert.equal((JSON.parse(r.body) as { database: string }).database, 'ok');
  });
});

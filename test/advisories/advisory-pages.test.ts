import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { Gpg } from '../keys/gpg-helper.ts';
import { makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const HOSTILE = '<script>alert("adv")</script> & <img src=x onerror=alert(1)>';
const CNA_ORG = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';

/** The editor's current form values, as the browser would post them back. */
function formValues(html: string): Record<string, string> {
  const values: Record<string, string> = { _csrf: Client.csrf(html) };
  // Checkboxes are left unticked, as a person would find them.
  for (const m of html.matchAll(/<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) if (m[1] !== '_csrf') values[m[1]!] = decode(m[2]!);
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) values[m[1]!] = decode(m[2]!);
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected/.exec(m[2]!);
    if (selected) values[m[1]!] = decode(selected[1]!);
  }
  return values;
}
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// The CSAF publisher and aggregator listing are settings (program config `csaf`).
const csafSettings = { publisherName: 'Example Corp PSIRT', contactDetails: 'psirt@example.com, +1 555 0100', issuingAuthority: 'Example Corp PSIRT issues these advisories.', listOnAggregators: false };

describe('advisories over HTTP: draft, preview, publish, revise, and every public format', () => {
  let t: TestApp;
  let lead: Client;
  let triager: Client;
  let viewer: Client;
  let leadId: string;
  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embargo-adv-'));
    const configFile = path.join(dir, 'embargo.config.json');
    writeFileSync(configFile, JSON.stringify({ programs: [{ ...demoProgram, cveNumberingAuthority: { orgId: CNA_ORG }, csaf: csafSettings }] }));
    t = await startTestApp(undefined, { EMBARGO_CONFIG: configFile });
    const l = await makeStaff(t.ctx.db, 'lead', 'Lee Lead');
    leadId = l.id;
    lead = await Client.signedIn(t.app, l);
    triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    viewer = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'viewer'));
  });
  after(async () => {
    await t.close();
  });

  it('takes a fixed report to a published advisory, escaping hostile text everywhere', async () => {
    const report = await makeReport(t.ctx.db, { title: `XSS ${HOSTILE}`, reporterName: 'Ada "Countess" Lovelace', creditPreference: 'name' });
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: report.id, to, actorId: leadId });

    const reportPage = await lead.get(`/staff/reports/${report.reference}`);
    assert.match(reportPage.body, /Draft an advisory/);
    const viewerPage = await viewer.get(`/staff/reports/${report.reference}`);
    assert.doesNotMatch(viewerPage.body, /Draft an advisory/, 'a viewer may not start one');
    const refused = await viewer.postForm(`/staff/reports/${report.reference}/advisory`, { _csrf: Client.csrf(viewerPage.body) });
    assert.equal(refused.statusCode, 403);

    const started = await lead.postForm(`/staff/reports/${report.reference}/advisory`, { _csrf: Client.csrf(reportPage.body) });
    assert.equal(started.statusCode, 303);
    const editorUrl = started.headers.location!.split('?')[0]!;
    assert.match(editorUrl, /^\/staff\/advisories\/[0-9a-f-]{36}$/);
    const editor = await lead.get(started.headers.location!);
    assert.equal(editor.statusCode, 200);
    assert.match(editor.body, /Draft started from the report/);
    assert.ok(!editor.body.includes('<script>alert("adv")'), 'the hostile title is escaped in the editor');
    assert.match(editor.body, /value="Ada &quot;Countess&quot; Lovelace"/, 'the reporter who chose to be named is credited');
    assert.match(editor.body, /<h1>Draft advisory/, 'a draft has no public number yet');
    const publicId = `EMB-SA-${new Date().getUTCFullYear()}-0001`;

    // Not public while a draft, in any format or listing.
    for (const suffix of ['', '.json', '.osv.json']) assert.equal((await t.app.inject(`/advisories/${publicId}${suffix}`)).statusCode, 404);
    assert.doesNotMatch((await t.app.inject('/advisories')).body, /SA-\d{4}/);
    assert.equal((await t.app.inject('/.well-known/csaf/white/index.txt')).body.trim(), '');
    assert.doesNotMatch((await t.app.inject('/advisories/feed.atom')).body, /<entry>/);

    // Wrong input comes back with messages and what was typed; nothing is lost.
    const values = formValues(editor.body);
    const bad = await lead.postForm(editorUrl, { ...values, intent: 'save', cveId: 'CVE-26-1', summary: 'Typed summary kept', 'reference.0.url': 'javascript:alert(1)' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /A CVE id looks like CVE-2026-12345/);
    assert.match(bad.body, /An http\(s\) address/);
    assert.match(bad.body, /Typed summary kept/);

    // Preview renders the public component with the typed text, escaped.
    const preview = await lead.postForm(editorUrl, { ...values, intent: 'preview', summary: `Summary ${HOSTILE}`, details: '**Bold** <b>raw</b>' });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Preview \(as the public will read it\)/);
    assert.match(preview.body, /<strong>Bold<\/strong> &lt;b&gt;raw&lt;\/b&gt;/, 'Markdown renders, raw HTML does not');
    assert.ok(!preview.body.includes('<img src=x'));

    // A triager may save but not publish; publishing needs the confirmation and a summary.
    const full = {
      ...values,
      summary: `Update to 4.2.2. ${HOSTILE}`,
      details: 'Found in the export.',
      cwe: 'CWE-79',
      cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N',
      cvssV4Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N',
      'product.0.cpe': 'cpe:2.3:a:example:console:*:*:*:*:*:*:*:*',
      'product.0.fixed': '4.2.2',
      'product.0.introduced': '4.0.0',
      'reference.0.url': 'https://example.com/releases/4.2.2',
      'reference.0.summary': 'Release notes',
    };
    assert.equal((await triager.postForm(editorUrl, { ...full, _csrf: Client.csrf((await triager.get(editorUrl)).body), intent: 'save' })).statusCode, 303);
    assert.equal((await triager.postForm(editorUrl, { ...full, _csrf: Client.csrf((await triager.get(editorUrl)).body), intent: 'publish', confirm: 'yes' })).statusCode, 403);
    const unconfirmed = await lead.postForm(editorUrl, { ...full, intent: 'publish' });
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /Confirm that the disclosure is agreed/);
    const noSummary = await lead.postForm(editorUrl, { ...full, summary: '', intent: 'publish', confirm: 'yes' });
    assert.equal(noSummary.statusCode, 422);
    // Not a CNA for this advisory yet: the editor offers a filled-in CVE request of the saved draft.
    assert.match((await lead.get(editorUrl)).body, /cve-request\.txt">as text<\/a>/);
    const requestText = await lead.get(`${editorUrl}/cve-request.txt`);
    assert.equal(requestText.statusCode, 200);
    assert.match(String(requestText.headers['cache-control']), /no-store/);
    assert.match(requestText.body, /^CVE request for EMB-SA-\d{4}-pending: XSS /);
    assert.match(requestText.body, /please keep it embargoed/);
    const requestJson = JSON.parse((await lead.get(`${editorUrl}/cve-request.json`)).body);
    assert.equal(requestJson.cnaContainer.problemTypes[0].descriptions[0].cweId, 'CWE-79');
    assert.equal((await new Client(t.app).get(`${editorUrl}/cve-request.txt`)).statusCode === 200, false, 'staff only');
    assert.equal((await lead.get(`${editorUrl}/cve-request.xml`)).statusCode, 404);
    // A 4.0 vector alone is not published: CSAF 2.0 would carry no score (optional test 6.2.3).
    const only40 = await lead.postForm(editorUrl, { ...full, cvssVector: '', intent: 'publish', confirm: 'yes', publishEarly: 'yes' });
    assert.equal(only40.statusCode, 422);
    assert.match(only40.body, /Give the CVSS 3\.1 vector too/);
    assert.match(only40.body, /CVSS:4\.0\/AV:N\/AC:L/, 'the typed 4.0 vector is kept');
    // No disclosure date was agreed on this report: publishing says so explicitly (test/disclosure covers the guard).
    const published = await lead.postForm(editorUrl, { ...full, intent: 'publish', confirm: 'yes', publishEarly: 'yes' });
    assert.equal(published.statusCode, 303);
    assert.match(published.headers.location!, /done=published/);

    const state = await t.ctx.db.selectFrom('reports').select('state').where('id', '=', report.id).executeTakeFirstOrThrow();
    assert.equal(state.state, 'disclosed');
    const track = await t.app.inject(`/track/${report.trackingToken}`);
    assert.match(track.body, new RegExp(`href="/advisories/${publicId}">Read advisory ${publicId}`), 'the reporter sees the advisory on their tracking page');

    // The public page: escaped, strict CSP, every variant announced.
    const page = await t.app.inject(`/advisories/${publicId}`);
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.ok(!page.body.includes('<script>alert'), 'no hostile markup on the public page');
    assert.match(page.body, /&lt;script>alert\(&quot;adv&quot;\)/, 'shown as text');
    assert.match(page.body, /class="severity severity-high">High \(8\.5\)/, 'the 4.0 score is the headline');
    assert.match(page.body, /<dt>CVSS 4\.0<\/dt><dd>8\.5 high <code>CVSS:4\.0\//);
    assert.match(page.body, /<dt>CVSS 3\.1<\/dt><dd>8\.7 high <code>CVSS:3\.1\//);
    assert.match(page.body, /CWE-79/);
    assert.match(page.body, /4\.0\.0 up to, not including, 4\.2\.2/);
    assert.match(page.body, /Ada &quot;Countess&quot; Lovelace/);
    assert.match(page.body, new RegExp(`<link rel="alternate" type="application/json" href="/advisories/${publicId}.json"`));
    assert.doesNotMatch(page.body, /\.cve\.json/, 'no CVE record before a CVE id is assigned');
    const list = await t.app.inject('/advisories');
    assert.match(list.body, new RegExp(`href="/advisories/${publicId}"`));

    const csaf = await t.app.inject(`/advisories/${publicId}.json`);
    assert.equal(csaf.statusCode, 200);
    assert.match(String(csaf.headers['content-type']), /^application\/json/);
    const doc = JSON.parse(csaf.body);
    assert.equal(doc.document.tracking.id, publicId);
    assert.equal(doc.document.title, `XSS ${HOSTILE}`, 'JSON carries the text as data, unchanged');
    // Both scores: CSAF scores the 3.1 vector and notes the 4.0 one; products carry the CPE given.
    assert.equal(doc.vulnerabilities[0].scores[0].cvss_v3.baseScore, 8.7);
    assert.match(doc.vulnerabilities[0].notes.find((n: { title?: string }) => n.title === 'CVSS 4.0').text, /^CVSS:4\.0\/.* \(score 8\.5, High\)$/);
    assert.match(JSON.stringify(doc.product_tree), /"cpe":"cpe:2\.3:a:example:console:4\.2\.2:/);
    assert.deepEqual(doc.document.publisher, { category: 'vendor', contact_details: csafSettings.contactDetails, issuing_authority: csafSettings.issuingAuthority, name: 'Example Corp PSIRT', namespace: t.ctx.config.baseUrl });
    const osv = JSON.parse((await t.app.inject(`/advisories/${publicId}.osv.json`)).body);
    assert.equal(osv.id, `x_${publicId}`);
    assert.equal((await t.app.inject(`/advisories/${publicId}.cve.json`)).statusCode, 404);

    const feed = await t.app.inject('/advisories/feed.atom');
    assert.match(String(feed.headers['content-type']), /^application\/atom\+xml/);
    assert.match(feed.body, new RegExp(`/advisories/${publicId}`));
    assert.ok(!feed.body.includes('<script>'), 'the feed escapes titles');

    const meta = JSON.parse((await t.app.inject('/.well-known/csaf/provider-metadata.json')).body);
    assert.equal(meta.distributions[0].directory_url, `${t.ctx.config.baseUrl}/.well-known/csaf/white/`);
    assert.deepEqual(meta.publisher, doc.document.publisher, 'the provider metadata and its documents name the same publisher');
    assert.equal(meta.list_on_CSAF_aggregators, false, 'a setting');
    assert.equal(meta.mirror_on_CSAF_aggregators, true);
    // The ROLIE feed beside the directory (requirement 15): listed in the metadata, one entry per document.
    const feedUrl = meta.distributions[0].rolie.feeds[0].url;
    assert.equal(feedUrl, `${t.ctx.config.baseUrl}/.well-known/csaf/feed-tlp-white.json`);
    const rolie = JSON.parse((await t.app.inject(new URL(feedUrl).pathname)).body);
    assert.equal(rolie.feed.entry.length, 1);
    assert.deepEqual(rolie.feed.entry[0].link.map((l: { rel: string; href: string }) => [l.rel, new URL(l.href).pathname]), [
      ['self', `/.well-known/csaf/white/${new Date().getUTCFullYear()}/${publicId.toLowerCase()}.json`],
      ['hash', `/.well-known/csaf/white/${new Date().getUTCFullYear()}/${publicId.toLowerCase()}.json.sha256`],
      ['hash', `/.well-known/csaf/white/${new Date().getUTCFullYear()}/${publicId.toLowerCase()}.json.sha512`],
    ], 'no signature link before the program has a key');
    for (const l of rolie.feed.entry[0].link) assert.equal((await t.app.inject(new URL(l.href).pathname)).statusCode, 200, l.href);
    const index = (await t.app.inject('/.well-known/csaf/white/index.txt')).body;
    const docPath = `${new Date().getUTCFullYear()}/${publicId.toLowerCase()}.json`;
    assert.equal(index.trim(), docPath);
    assert.match((await t.app.inject('/.well-known/csaf/white/changes.csv')).body, new RegExp(`^"${docPath}","`));
    const fromDirectory = await t.app.inject(`/.well-known/csaf/white/${docPath}`);
    assert.deepEqual(JSON.parse(fromDirectory.body), doc, 'the directory serves the same document');
    assert.equal((await t.app.inject(`/.well-known/csaf/white/1999/${publicId.toLowerCase()}.json`)).statusCode, 404);
    // Integrity (requirement 18): sha256sum/sha512sum files over the exact bytes served.
    const bytes = Buffer.from(fromDirectory.body, 'utf8');
    for (const algorithm of ['sha256', 'sha512'] as const) {
      const sum = await t.app.inject(`/.well-known/csaf/white/${docPath}.${algorithm}`);
      assert.equal(sum.body, `${createHash(algorithm).update(bytes).digest('hex')}  ${publicId.toLowerCase()}.json\n`);
    }
    // Signature (requirement 19), checked by GnuPG with the key the provider metadata names (requirement 20).
    await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], t.ctx.logger);
    const trusted = JSON.parse((await t.app.inject('/.well-known/csaf/provider-metadata.json')).body);
    assert.equal(trusted.role, 'csaf_trusted_provider');
    const signedFeed = JSON.parse((await t.app.inject('/.well-known/csaf/feed-tlp-white.json')).body);
    assert.equal(new URL(signedFeed.feed.entry[0].link.at(-1).href).pathname, `/.well-known/csaf/white/${docPath}.asc`);
    assert.equal(signedFeed.feed.entry[0].link.at(-1).rel, 'signature');
    const gpg = new Gpg();
    try {
      await gpg.ok(['--import'], (await t.app.inject(new URL(trusted.public_openpgp_keys[0].url).pathname)).body);
      assert.deepEqual(await gpg.fingerprints(), [trusted.public_openpgp_keys[0].fingerprint]);
      const asc = await t.app.inject(`/.well-known/csaf/white/${docPath}.asc`);
      assert.match(String(asc.headers['content-type']), /^application\/pgp-signature/);
      const dir = mkdtempSync(path.join(tmpdir(), 'embargo-csaf-'));
      writeFileSync(path.join(dir, 'doc.json'), bytes);
      writeFileSync(path.join(dir, 'doc.json.asc'), asc.body);
      const verified = await gpg.run(['--verify', path.join(dir, 'doc.json.asc'), path.join(dir, 'doc.json')]);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stderr, /Good signature/);
      writeFileSync(path.join(dir, 'doc.json'), Buffer.concat([bytes, Buffer.from(' ')]));
      assert.notEqual((await gpg.run(['--verify', path.join(dir, 'doc.json.asc'), path.join(dir, 'doc.json')])).code, 0, 'a changed document fails');
    } finally {
      gpg.close();
    }
    const listing = await t.app.inject('/.well-known/csaf/white/');
    assert.match(listing.body, new RegExp(`href="${new Date().getUTCFullYear()}/"`), 'the distribution directory lists its year folders');
    assert.match((await t.app.inject(`/.well-known/csaf/white/${new Date().getUTCFullYear()}/`)).body, new RegExp(`href="${publicId.toLowerCase()}.json.asc"`));

    // A revision: saving a published advisory is refused; publishing needs "what changed".
    const editorNow = await lead.get(editorUrl);
    const current = formValues(editorNow.body);
    assert.equal((await lead.postForm(editorUrl, { ...current, intent: 'save' })).statusCode, 409);
    const noNote = await lead.postForm(editorUrl, { ...current, intent: 'publish', confirm: 'yes', cveId: 'CVE-2026-4242' });
    assert.equal(noNote.statusCode, 422);
    assert.match(noNote.body, /Say what changed/);
    const revised = await lead.postForm(editorUrl, { ...current, intent: 'publish', confirm: 'yes', cveId: 'CVE-2026-4242', revisionSummary: 'CVE assigned' });
    assert.equal(revised.statusCode, 303);
    const revisedPage = await t.app.inject(`/advisories/${publicId}`);
    assert.match(revisedPage.body, /CVE-2026-4242/);
    assert.match(revisedPage.body, /CVE assigned/);
    const cve = await t.app.inject(`/advisories/${publicId}.cve.json`);
    assert.equal(cve.statusCode, 200, 'the CNA program serves the CVE record once a CVE id is set');
    const record = JSON.parse(cve.body);
    assert.equal(record.cveMetadata.cveId, 'CVE-2026-4242');
    assert.equal(record.cveMetadata.assignerOrgId, CNA_ORG);
    assert.equal(JSON.parse((await t.app.inject(`/advisories/${publicId}.json`)).body).document.tracking.version, '2');
  });

  it('keeps drafts to the team, answers unknown ids with 404, and discards drafts', async () => {
    const report = await makeReport(t.ctx.db, { title: 'Draft only' });
    const page = await lead.get(`/staff/reports/${report.reference}`);
    const started = await lead.postForm(`/staff/reports/${report.reference}/advisory`, { _csrf: Client.csrf(page.body) });
    const editorUrl = started.headers.location!.split('?')[0]!;
    const anonymous = await t.app.inject(editorUrl);
    assert.equal(anonymous.statusCode, 303, 'staff pages need a session');
    assert.equal((await lead.get('/staff/advisories/00000000-0000-0000-0000-000000000000')).statusCode, 404);
    assert.equal((await lead.get('/staff/advisories/not-a-uuid')).statusCode, 404);
    for (const id of ['EMB-SA-2026-9999', '..%2F..%2Fetc', 'x.osv.json']) assert.equal((await t.app.inject(`/advisories/${id}`)).statusCode, 404);
    const list = await lead.get('/staff/advisories');
    assert.match(list.body, /\(draft: open it to read\)/, 'the list does not open sealed drafts');
    const editor = await lead.get(editorUrl);
    assert.equal((await viewer.postForm(`${editorUrl}/discard`, { _csrf: Client.csrf((await viewer.get(editorUrl)).body) })).statusCode, 403);
    const discarded = await lead.postForm(`${editorUrl}/discard`, { _csrf: Client.csrf(editor.body) });
    assert.equal(discarded.statusCode, 303);
    assert.equal((await lead.get(editorUrl)).statusCode, 404);
  });
});

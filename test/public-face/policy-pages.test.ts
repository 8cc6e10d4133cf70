import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateProgramKey } from '../../src/keys/generate-program-key.ts';
import { loadProgram } from '../../src/programs/programs.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { repoRoot } from '../helpers/embargo-process.ts';

const example = (name: string) => ({ EMBARGO_CONFIG: path.join(repoRoot, 'examples', `${name}.json`) });

/** Visible text of a page, tags removed, for checking sentences a reader sees. */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

describe('example programs render their promises with the numbers from their settings', () => {
  it('gateway-vendor: 3 business days, safe harbor, confidentiality, credit, PGP contact, thanks page', async () => {
    const t = await startTestApp(undefined, example('gateway-vendor'));
    try {
      const c = new Client(t.app);
      const policy = text((await c.get('/policy')).body);
      assert.match(policy, /We will respond to your report within 3 business days with our evaluation of the report and an expected resolution date/);
      assert.match(policy, /we will not take any legal action against you/);
      assert.match(policy, /strict confidentiality/);
      assert.match(policy, /We will keep you informed of the progress/);
      assert.match(policy, /credit you as the discoverer/);
      assert.match(policy, /Do not reveal the problem/);
      assert.match(policy, /security@nordlys\.example/);
      assert.match(policy, /Privacy notice/);
      assert.match(policy, /version 1 · last updated/);
      assert.doesNotMatch(policy, /\{\{/);
      const home = text((await c.get('/')).body);
      assert.match(home, /within 3 business days/);
      assert.equal((await c.get('/thanks')).statusCode, 200);
    } finally {
      await t.close();
    }
  });

  it('fraud-platform: 1 business day, guiding principles, early customer notification, no bounty', async () => {
    const t = await startTestApp(undefined, example('fraud-platform'));
    try {
      const c = new Client(t.app);
      const policy = text((await c.get('/policy')).body);
      assert.match(policy, /We will respond to your report within 1 business day\./);
      assert.match(policy, /Guiding principles/);
      assert.match(policy, /We prioritise our customers' security interests/);
      assert.match(policy, /more than 24 hours and the risk is high or higher/);
      assert.match(policy, /nor do we have a bug bounty program/);
      // It promises a reply, not an evaluation: no page may claim more than the policy does.
      const home = text((await c.get('/')).body);
      assert.match(home, /We respond to every report within 1 business day\./);
      assert.doesNotMatch(home, /evaluation|resolution date/);
      const form = text((await c.get('/report')).body);
      assert.match(form, /we respond within 1 business day\./);
      assert.doesNotMatch(form, /with our evaluation/);
    } finally {
      await t.close();
    }
  });
});

describe('policy editing, history and diff', () => {
  let t: TestApp;
  let admin: Client;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
    admin = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  async function editorFields(): Promise<Record<string, string>> {
    const page = await admin.get('/staff/policy');
    assert.equal(page.statusCode, 200);
    const fields: Record<string, string> = { _csrf: Client.csrf(page.body) };
    for (const m of page.body.matchAll(/<textarea id="(\w+)" name="\w+"[^>]*>([^<]*)<\/textarea>/g)) {
      fields[m[1]!] = m[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    }
    return fields;
  }

  it('refuses non-admins and missing CSRF tokens', async () => {
    const triager = await makeStaff(t.ctx.db, 'triager');
    const c = await Client.signedIn(t.app, triager);
    assert.equal((await c.get('/staff/policy')).statusCode, 403);
    assert.equal((await admin.postForm('/staff/policy', { introduction: 'x', action: 'publish' })).statusCode, 403);
    assert.equal((await new Client(t.app).get('/staff/policy')).statusCode, 303);
  });

  it('previews without publishing, refuses empty core sections and unchanged text', async () => {
    const fields = await editorFields();
    const preview = await admin.postForm('/staff/policy', { ...fields, promises: fields.promises + '\n- **We answer on weekends too.**', action: 'preview' });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /<h2 id="preview-h">Preview<\/h2>/);
    assert.match(preview.body, /<strong>We answer on weekends too.<\/strong>/);
    assert.match((await new Client(t.app).get('/policy')).body, /version 1 ·/);

    const empty = await admin.postForm('/staff/policy', { ...fields, promises: '  ', action: 'publish' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /This section cannot be empty/);

    const same = await admin.postForm('/staff/policy', { ...fields, action: 'publish' });
    assert.equal(same.statusCode, 422);
    assert.match(same.body, /Nothing changed/);
  });

  it('publishes a new version; the old one stays readable and the diff shows what changed', async () => {
    const fields = await editorFields();
    const published = await admin.postForm('/staff/policy', {
      ...fields,
      rewards: 'We now thank reporters with a gift card.',
      note: 'Gift cards <b>for all</b>',
      action: 'publish',
    });
    assert.equal(published.statusCode, 303);
    const c = new Client(t.app);
    assert.match((await c.get('/policy')).body, /version 2 ·/);
    const history = await c.get('/policy/history');
    assert.match(history.body, /Version 2<\/a><span class="meta"> \(current\)/);
    assert.match(history.body, /Gift cards &lt;b>for all&lt;\/b>/);
    assert.doesNotMatch(history.body, /Ada Admin/, 'staff names stay private');
    const v1 = await c.get('/policy/versions/1');
    assert.equal(v1.statusCode, 200);
    assert.match(v1.body, /monetary rewards/);
    const diff = await c.get('/policy/diff?from=1&to=2');
    assert.equal(diff.statusCode, 200);
    assert.match(diff.body, /<ins>[^<]*gift card[^<]*<\/ins>/i);
    assert.match(diff.body, /<del>[^<]*monetary[^<]*<\/del>/);
    assert.match(diff.body, /1 of \d+ sections changed/);
    assert.equal((await c.get('/policy/diff?from=1&to=99')).statusCode, 404);
    assert.equal((await c.get('/policy/versions/abc')).statusCode, 404);
  });

  it('records the accepted policy version with each report and refuses an outdated one', async () => {
    const c = new Client(t.app);
    const page = await c.get('/report');
    assert.match(page.body, /name="policyVersion" value="2"/);
    const res = await c.postMultipart('/report', {
      _csrf: Client.csrf(page.body),
      policyVersion: '1',
      title: 'Old policy report',
      product: 'example-cloud',
      productVersion: '1',
      vulnerabilityType: 'xss',
      description: 'A description that is long enough.',
      stepsToReproduce: 'Step one, step two.',
      impact: 'Some impact here.',
      creditPreference: 'none',
      acceptPolicy: 'yes',
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /policy was updated after you opened this form/);
  });
});

describe('thanks page and credit choices', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  async function resolve(reportId: string, staffId: string) {
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId, to, actorId: staffId });
  }

  it('names only reporters of disclosed reports who chose a name or handle; counts anonymous ones', async () => {
    const staff = await makeStaff(t.ctx.db, 'triager');
    const named = await makeReport(t.ctx.db, { reporterName: 'Ada <Lovelace>', creditPreference: 'name' });
    const handle = await makeReport(t.ctx.db, { reporterHandle: '@grace', creditPreference: 'handle', reporterName: 'Grace Hopper' });
    const anon = await makeReport(t.ctx.db, { reporterName: 'Hidden Person', creditPreference: 'anonymous' });
    const none = await makeReport(t.ctx.db, { reporterName: 'No Credit', creditPreference: 'none' });
    const open = await makeReport(t.ctx.db, { reporterName: 'Still Open', creditPreference: 'name' });
    const embargoed = await makeReport(t.ctx.db, { reporterName: 'Fixed Not Disclosed', creditPreference: 'name' });
    for (const r of [named, handle, anon, none, embargoed]) await resolve(r.id, staff.id);
    for (const r of [named, handle, anon, none]) await changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'disclosed', actorId: staff.id });
    void open;
    const page = await new Client(t.app).get('/thanks');
    assert.equal(page.statusCode, 200);
    const year = new Date().getUTCFullYear();
    assert.match(page.body, new RegExp(`<h2 id="y${year}">${year}</h2>`));
    assert.match(page.body, /<li>Ada &lt;Lovelace><\/li>/);
    assert.match(page.body, /<li>@grace<\/li>/);
    assert.doesNotMatch(page.body, /Grace Hopper/);
    assert.doesNotMatch(page.body, /Hidden Person/);
    assert.doesNotMatch(page.body, /No Credit/);
    assert.doesNotMatch(page.body, /Still Open/);
    assert.doesNotMatch(page.body, /Fixed Not Disclosed/, 'a fix not yet disclosed is still under embargo');
    assert.match(page.body, /and 1 researcher who asked to stay anonymous/);
  });

  it('lets the reporter change their credit from the tracking page until publication', async () => {
    const staff = await makeStaff(t.ctx.db, 'triager');
    const r = await makeReport(t.ctx.db, { reporterName: 'Quiet Finder', creditPreference: 'none' });
    await resolve(r.id, staff.id);
    const c = new Client(t.app);
    const url = `/track/${r.trackingToken}`;
    const page = await c.get(url);
    assert.match(page.body, /You asked not to be credited/);
    const csrf = Client.csrf(page.body);
    assert.equal((await c.postForm(`${url}/credit`, { creditPreference: 'name' })).statusCode, 403);
    const missing = await c.postForm(`${url}/credit`, { _csrf: csrf, creditPreference: 'handle', reporterHandle: '' });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /Give the handle to credit/);
    const ok = await c.postForm(`${url}/credit`, { _csrf: csrf, creditPreference: 'name', reporterName: 'Quiet Finder' });
    assert.equal(ok.statusCode, 303);
    const after = await c.get(`${url}?credit=saved`);
    assert.match(after.body, /Your credit choice was saved/);
    assert.match(after.body, /we will credit: <strong class="credit-preview">Quiet Finder<\/strong>/);
    assert.doesNotMatch((await c.get('/thanks')).body, /Quiet Finder/, 'not before disclosure');

    await changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to: 'disclosed', actorId: staff.id });
    assert.match((await c.get('/thanks')).body, /<li>Quiet Finder<\/li>/);
    const locked = await c.postForm(`${url}/credit`, { _csrf: csrf, creditPreference: 'none' });
    assert.equal(locked.statusCode, 422);
    assert.match(locked.body, /advisory is published/);
  });
});

describe('policy page contact', () => {
  it('shows the program key id and fingerprint, and links the key and security.txt', async () => {
    const t = await startTestApp();
    try {
      const program = await loadProgram(t.ctx.db, { slug: 'example' });
      const without = await new Client(t.app).get('/policy');
      assert.doesNotMatch(without.body, /OpenPGP key: id/);
      const { fingerprint: fp } = await generateProgramKey(t.ctx.db, t.ctx.secret, { id: program!.id, config: program!.config });
      const fingerprint = fp.toUpperCase();
      const page = text((await new Client(t.app).get('/policy')).body);
      assert.match(page, new RegExp(`OpenPGP key: id ${fingerprint.slice(-16)}, fingerprint ${fingerprint}`));
      assert.match(page, /Machine-readable: security\.txt/);
    } finally {
      await t.close();
    }
  });
});

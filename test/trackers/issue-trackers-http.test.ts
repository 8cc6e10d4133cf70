import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { submitReport } from '../../src/reports/submit-report.ts';
import { demo, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

type Seen = { method: string; path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };

/**
 * The endpoints Embargo uses of GitHub (REST 2022-11-28), GitLab (REST v4) and
 * Jira Cloud (REST v3), with the states a test sets; every request recorded.
 */
async function startTrackers() {
  const seen: Seen[] = [];
  const states = { github: 'open', gitlab: 'opened', jira: 'To Do' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      seen.push({ method: req.method ?? '', path, headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const origin = `http://${req.headers.host}`;
      if (req.method === 'POST' && path === '/repos/acme/web/issues') return json(201, { number: 42, html_url: 'https://github.example/acme/web/issues/42', state: states.github });
      if (req.method === 'GET' && path === '/repos/acme/web/issues/42') return json(200, { number: 42, state: states.github });
      if (req.method === 'POST' && path === '/api/v4/projects/sec%2Fproduct/issues') return json(201, { iid: 7, web_url: 'https://gitlab.example/sec/product/-/issues/7', state: states.gitlab });
      if (req.method === 'GET' && path === '/api/v4/projects/sec%2Fproduct/issues/7') return json(200, { iid: 7, state: states.gitlab });
      if (req.method === 'POST' && path === '/rest/api/3/issue') return json(201, { id: '10001', key: 'SEC-1', self: `${origin}/rest/api/3/issue/10001` });
      if (req.method === 'GET' && path.startsWith('/rest/api/3/issue/SEC-1')) return json(200, { id: '10001', key: 'SEC-1', fields: { status: { name: states.jira } } });
      json(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, states, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('issue trackers: linked issues in GitHub, GitLab and Jira, their state on the report page', () => {
  let t: TestApp;
  let trackers: Awaited<ReturnType<typeof startTrackers>>;
  let admin: Client;
  let triager: Client;
  let viewer: Client;
  let reference: string;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp(undefined, { EMBARGO_INTEGRATIONS_ALLOW_PRIVATE: 'true' });
    trackers = await startTrackers();
    admin = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin'));
    triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    viewer = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'viewer'));
    const program = await demo(t.ctx.db);
    const s = await submitReport(t.ctx.db, t.ctx.vault, {
      program,
      input: reportInput(program, { title: 'Embargoed title', description: 'The embargoed description of the flaw in detail.' }),
      files: [],
      channel: 'web',
    });
    reference = s.reference;
  });
  after(async () => {
    await trackers?.close();
    await t?.close();
  });

  async function addTracker(fields: Record<string, string>) {
    const page = await admin.get('/staff/trackers');
    const program = await demo(t.ctx.db);
    return admin.postForm('/staff/trackers', { _csrf: Client.csrf(page.body), programId: program.id, ...fields });
  }

  it('admins add trackers; tokens are sealed and never shown; others are refused', async () => {
    assert.equal((await addTracker({ kind: 'github', baseUrl: trackers.url, project: 'acme/web', token: 'ghp_secrettoken1', labels: 'security, embargo' })).statusCode, 303);
    assert.equal((await addTracker({ kind: 'gitlab', baseUrl: trackers.url, project: 'sec/product', token: 'glpat-secrettoken2', labels: 'security', allowFullReport: 'yes' })).statusCode, 303);
    assert.equal((await addTracker({ kind: 'jira', baseUrl: trackers.url, project: 'SEC', account: 'bot@example.com', token: 'jira-secrettoken3', labels: 'vuln', issueType: 'Bug' })).statusCode, 303);
    const bad = await addTracker({ kind: 'github', baseUrl: trackers.url, project: 'not a repo', token: 'ghp_x' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /owner\/repository/);
    for (const row of await t.ctx.db.selectFrom('issue_trackers').select(['id', 'kind', 'token_sealed']).execute()) {
      ids[row.kind] = row.id;
      assert.doesNotMatch(row.token_sealed.toString('latin1'), /secrettoken/);
    }
    const page = await admin.get('/staff/trackers');
    assert.doesNotMatch(page.body, /secrettoken/);
    assert.equal((await triager.get('/staff/trackers')).statusCode, 403);
    const csrf = Client.csrf((await admin.get('/staff/trackers')).body);
    assert.equal((await triager.postForm('/staff/trackers', { _csrf: csrf, programId: (await demo(t.ctx.db)).id, kind: 'github', project: 'a/b', token: 'x' })).statusCode, 403);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'issue-tracker.created').execute();
    assert.equal(audit.length, 3);
  });

  it('a triager files a GitHub issue with the chosen fields; never the report unless chosen', async () => {
    const page = await triager.get(`/staff/reports/${reference}`);
    assert.match(page.body, /Create linked issue/);
    const res = await triager.postForm(`/staff/reports/${reference}/issues`, { _csrf: Client.csrf(page.body), trackerId: ids.github!, title: `Security report ${reference}`, summary: 'XSS in the user list; fix planned.', labels: 'security, p1' });
    assert.equal(res.statusCode, 303, res.body);
    const req = trackers.seen.find((s) => s.method === 'POST' && s.path === '/repos/acme/web/issues')!;
    assert.equal(req.headers.authorization, 'token ghp_secrettoken1');
    assert.deepEqual(req.body, { title: `Security report ${reference}`, body: 'XSS in the user list; fix planned.', labels: ['security', 'p1'] });
    const after = await triager.get(`/staff/reports/${reference}`);
    assert.match(after.body, /href="https:\/\/github.example\/acme\/web\/issues\/42"/);
    assert.match(after.body, /<strong class="issue-state">open<\/strong>/);
  });

  it('GitLab (REST v4) with the full report where the tracker allows it; Jira (REST v3) refuses it', async () => {
    let page = await triager.get(`/staff/reports/${reference}`);
    const res = await triager.postForm(`/staff/reports/${reference}/issues`, { _csrf: Client.csrf(page.body), trackerId: ids.gitlab!, title: 'Flaw', summary: 'Summary', labels: 'security', includeFullReport: 'yes' });
    assert.equal(res.statusCode, 303, res.body);
    const gl = trackers.seen.find((s) => s.method === 'POST' && s.path.startsWith('/api/v4/'))!;
    assert.equal(gl.headers['private-token'], 'glpat-secrettoken2');
    assert.equal(gl.body.title, 'Flaw');
    assert.equal(gl.body.labels, 'security');
    assert.match(String(gl.body.description), /^Summary\n\n## Description\n\nThe embargoed description/);

    page = await triager.get(`/staff/reports/${reference}`);
    const refused = await triager.postForm(`/staff/reports/${reference}/issues`, { _csrf: Client.csrf(page.body), trackerId: ids.jira!, title: 'Jira one', summary: 'Short', labels: 'vuln', includeFullReport: 'yes' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /not to receive full reports/);
    assert.match(refused.body, /value="Jira one"/, 'what was typed is kept');
    assert.equal(trackers.seen.filter((s) => s.path === '/rest/api/3/issue').length, 0);

    page = await triager.get(`/staff/reports/${reference}`);
    const ok = await triager.postForm(`/staff/reports/${reference}/issues`, { _csrf: Client.csrf(page.body), trackerId: ids.jira!, title: 'Jira one', summary: 'Short', labels: 'vuln' });
    assert.equal(ok.statusCode, 303, ok.body);
    const jira = trackers.seen.find((s) => s.method === 'POST' && s.path === '/rest/api/3/issue')!;
    assert.equal(jira.headers.authorization, `Basic ${Buffer.from('bot@example.com:jira-secrettoken3').toString('base64')}`);
    const fields = jira.body.fields as Record<string, unknown>;
    assert.deepEqual(fields.project, { key: 'SEC' });
    assert.equal(fields.summary, 'Jira one');
    assert.deepEqual(fields.issuetype, { name: 'Bug' });
    assert.deepEqual(fields.labels, ['vuln']);
    assert.doesNotMatch(JSON.stringify(fields), /embargoed/i);
    const shown = await triager.get(`/staff/reports/${reference}`);
    assert.match(shown.body, /SEC-1/);
    assert.match(shown.body, /To Do/);
  });

  it('states are read again once the short cache has expired', async () => {
    trackers.states.github = 'closed';
    trackers.states.gitlab = 'closed';
    trackers.states.jira = 'Done';
    let page = await triager.get(`/staff/reports/${reference}`);
    assert.doesNotMatch(page.body, /Done/, 'still cached');
    await t.ctx.db.updateTable('report_issue_links').set({ state_checked_at: new Date(Date.now() - 3600_000) }).execute();
    page = await triager.get(`/staff/reports/${reference}`);
    assert.match(page.body, /<strong class="issue-state">closed<\/strong>/);
    assert.match(page.body, /<strong class="issue-state">Done<\/strong>/);
    const reads = trackers.seen.filter((s) => s.method === 'GET');
    assert.ok(reads.some((s) => s.path === '/repos/acme/web/issues/42' && s.headers.authorization === 'token ghp_secrettoken1'));
    assert.ok(reads.some((s) => s.path === '/api/v4/projects/sec%2Fproduct/issues/7' && s.headers['private-token'] === 'glpat-secrettoken2'));
    assert.ok(reads.some((s) => s.path.startsWith('/rest/api/3/issue/SEC-1')));
  });

  it('a viewer cannot file issues; the form needs the CSRF token', async () => {
    const program = await demo(t.ctx.db);
    const other = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web' });
    const page = await viewer.get(`/staff/reports/${other.reference}`);
    assert.doesNotMatch(page.body, /Create linked issue/);
    // The viewer's own CSRF token (from a page with a form), so the refusal is the role's, not the token's.
    const csrf = Client.csrf((await viewer.get('/staff/account/security')).body);
    assert.ok(csrf, 'a CSRF token of the viewer');
    const res = await viewer.postForm(`/staff/reports/${other.reference}/issues`, { _csrf: csrf, trackerId: ids.github!, title: 'x', summary: '' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /role/);
    const noCsrf = await triager.postForm(`/staff/reports/${other.reference}/issues`, { trackerId: ids.github!, title: 'x', summary: '' });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(await t.ctx.db.selectFrom('report_issue_links').select('id').where('report_id', '=', other.id).executeTakeFirst(), undefined);
  });
});

describe('issue trackers: private addresses refused unless the operator allows them', () => {
  it('refuses http and private-network base URLs', async () => {
    const t = await startTestApp();
    try {
      const admin = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin'));
      const program = await demo(t.ctx.db);
      for (const baseUrl of ['http://127.0.0.1:9/', 'https://10.0.0.5', 'https://[fd00::1]/', 'https://localhost']) {
        const page = await admin.get('/staff/trackers');
        const res = await admin.postForm('/staff/trackers', { _csrf: Client.csrf(page.body), programId: program.id, kind: 'gitlab', baseUrl, project: 'a/b', token: 'glpat-x' });
        assert.equal(res.statusCode, 422, baseUrl);
      }
      assert.equal((await t.ctx.db.selectFrom('issue_trackers').select('id').execute()).length, 0);
    } finally {
      await t.close();
    }
  });
});

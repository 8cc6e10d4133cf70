import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { submitReport } from '../../src/reports/submit-report.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { setTeamSeverity } from '../../src/triage/set-team-severity.ts';
import { demo, makeReport, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';

const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L'; // 5.5
const HIGH_REPORTER = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'; // 7.5

/** The references of the inbox's rows, in page order. */
const refs = (html: string) => [...html.matchAll(/<td class="ref">\s*<a href="\/staff\/reports\/(EMB-\d{4}-\d{4})">/g)].map((m) => m[1]!);
const unescape = (s: string) => s.replaceAll('&amp;', '&');

describe('the inbox shows what to do first: severity and next deadline, sortable', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'triager', 'Sorting Sam');
    staffId = user.id;
    c = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  it('shows each report’s severity (team score, else the reporter’s estimate) and next deadline, and sorts by either with links that keep the filters', async () => {
    const program = await demo(t.ctx.db);
    const overdue = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { title: 'Old overdue report' }), files: [], channel: 'web', now: new Date(Date.now() - 30 * 86_400_000) });
    const critical = await makeReport(t.ctx.db, { title: 'Critical one' });
    const medium = await makeReport(t.ctx.db, { title: 'Medium one' });
    const estimated = await makeReport(t.ctx.db, { title: 'Reporter estimate', cvssVector: HIGH_REPORTER });
    const waiting = await makeReport(t.ctx.db, { title: 'Waiting one' });
    await setTeamSeverity(t.ctx.db, { reportId: critical.id, actorId: staffId, vector: CRITICAL });
    await setTeamSeverity(t.ctx.db, { reportId: medium.id, actorId: staffId, vector: MEDIUM });
    await changeState(t.ctx.db, t.ctx.vault, { reportId: waiting.id, to: 'needs-info', actorId: staffId });

    const byDeadline = await c.get('/staff/reports?sort=deadline&product=example-cloud');
    assert.equal(byDeadline.statusCode, 200);
    const order = refs(byDeadline.body);
    assert.equal(order[0], overdue.reference, 'the overdue report first');
    assert.equal(order.at(-1), waiting.reference, 'a report without a running clock last');
    assert.match(byDeadline.body, /<th scope="col">Severity|<th scope="col"[^>]*><a [^>]*>Severity<\/a>/);
    assert.match(byDeadline.body, /<th scope="col" aria-sort="ascending"><a href="[^"]*sort=deadline[^"]*"/);
    assert.match(byDeadline.body, /overdue by/);
    // The heading links keep the filters and change only the sort.
    const severityLink = unescape(/<a href="(\/staff\/reports\?[^"]*sort=severity[^"]*)"/.exec(byDeadline.body)?.[1] ?? '');
    assert.match(severityLink, /product=example-cloud/);

    const bySeverity = refs((await c.get(severityLink)).body);
    assert.deepEqual(bySeverity.slice(0, 2), [critical.reference, medium.reference], 'scored reports first, highest score first');
    assert.ok(bySeverity.includes(estimated.reference) && bySeverity.includes(overdue.reference), 'unscored reports follow');
    const page = (await c.get('/staff/reports?sort=severity')).body;
    assert.match(page, /<span class="severity severity-critical">critical<\/span> 9\.8/);
    assert.match(page, /<span class="severity severity-medium">medium<\/span> 5\.5/);
    assert.match(page, /reporter: 7\.5 high/);

    // An unknown sort falls back to the default rather than failing.
    const bogus = await c.get('/staff/reports?sort=%3Cscript%3E');
    assert.equal(bogus.statusCode, 200);
    assert.match(bogus.body, /<option value="newest" selected/);
  });

  it('pages through the deadline and severity sorts in a stable order, ties and missing keys included: every report exactly once', async () => {
    const program = await demo(t.ctx.db);
    const made = [];
    for (let i = 0; i < 70; i++) made.push(await makeReport(t.ctx.db, { title: `Bulk report ${i}` }));
    // Ties: many reports share a deadline and a score; some have neither. More than a page has a key, so pages
    // end within the keyed rows, across the switch to the keyless ones, and within those.
    const tie = new Date(Date.now() + 3 * 86_400_000);
    const ids = made.map((r) => r.id);
    await t.ctx.db.updateTable('reports').set({ next_deadline_at: tie }).where('id', 'in', ids.slice(0, 30)).execute();
    await t.ctx.db.updateTable('reports').set({ next_deadline_at: null }).where('id', 'in', ids.slice(50, 70)).execute();
    await t.ctx.db.updateTable('reports').set({ team_cvss_vector: CRITICAL, team_cvss_score: '9.8', severity: 'critical' }).where('id', 'in', ids.slice(5, 35)).execute();
    await t.ctx.db.updateTable('reports').set({ team_cvss_vector: MEDIUM, team_cvss_score: '5.5', severity: 'medium' }).where('id', 'in', ids.slice(35, 65)).execute();

    const open = await t.ctx.db
      .selectFrom('reports')
      .select(['id', 'reference', 'next_deadline_at', 'team_cvss_score'])
      .where('program_id', '=', program.id)
      .where('state', 'in', ['new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'needs-info'])
      .where('quarantined', '=', false)
      .execute();
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const expected = {
      deadline: [...open].sort((a, b) => {
        const x = a.next_deadline_at?.getTime() ?? Infinity;
        const y = b.next_deadline_at?.getTime() ?? Infinity;
        return x !== y ? x - y : byId(a, b);
      }),
      severity: [...open].sort((a, b) => {
        const x = a.team_cvss_score === null ? -1 : Number(a.team_cvss_score);
        const y = b.team_cvss_score === null ? -1 : Number(b.team_cvss_score);
        return x !== y ? y - x : -byId(a, b);
      }),
    };
    assert.ok(open.length > 50, 'more than one page');

    for (const sort of ['deadline', 'severity'] as const) {
      const seen: string[] = [];
      let url: string | undefined = `/staff/reports?sort=${sort}`;
      for (let pages = 0; url && pages < 10; pages++) {
        const res = await c.get(url);
        assert.equal(res.statusCode, 200);
        seen.push(...refs(res.body));
        const next = /<a rel="next" href="([^"]+)"/.exec(res.body)?.[1];
        url = next ? unescape(next) : undefined;
        if (url) assert.match(url, new RegExp(`sort=${sort}`), 'the next page keeps the sort');
      }
      assert.ok(seen.length > 50, 'read more than one page');
      assert.equal(new Set(seen).size, seen.length, `${sort}: no report twice`);
      assert.deepEqual(seen, expected[sort].map((r) => r.reference), `${sort}: every report once, in order`);
    }
  });

  it('offers the same sorts and fields in the API', async () => {
    const { token } = await makeApiToken(t.ctx.db, ['reports:read']);
    const api = apiClient(t, token);
    const byDeadline = await api.get('/api/v1/reports?state=open&sort=deadline');
    assert.equal(byDeadline.status, 200, byDeadline.body);
    const first = byDeadline.json.data[0];
    assert.equal(first.title, 'Old overdue report');
    assert.ok(new Date(first.nextDeadlineAt) < new Date());
    const bySeverity = await api.get('/api/v1/reports?state=open&sort=severity');
    assert.equal(bySeverity.json.data[0].severity, 'critical');
    assert.match(String(bySeverity.json.next ? bySeverity.json.links.next : '/api/v1/reports?sort=severity'), /sort=severity/);
  });
});

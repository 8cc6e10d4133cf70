import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatWallTime } from '../../src/calendar/zoned-time.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import { loadReportClocks } from '../../src/sla/report-clocks.ts';
import { acknowledge, makeStaff } from '../helpers/factories.ts';
import { repoRoot } from '../helpers/embargo-process.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { goodReport, latestReport } from '../spam/spam-helpers.ts';

const TRACK = /\/track\/([A-Za-z0-9_-]{43})/;
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** Text of a page without tags, entities of the apostrophe and quotes decoded, for sentence matching. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;|&#39;/g, '’')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

async function submit(t: TestApp, fields: Record<string, string>, files: { name: string; filename: string; content: string }[] = []) {
  const c = new Client(t.app);
  const csrf = Client.csrf((await c.get('/report')).body);
  const res = await c.postMultipart('/report', { ...goodReport, ...fields, _csrf: csrf }, files);
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const token = TRACK.exec(String(res.headers.location))![1]!;
  const { id, reference } = await latestReport(t.ctx.db);
  return { c, id, reference, url: `/track/${token}` };
}

/** The first-response clock's due time (or met time), as the page must write it in the program's zone. */
async function firstResponse(t: TestApp, reportId: string) {
  const loaded = (await loadReportClocks(t.ctx.db, reportId))!;
  const clock = loaded.clocks.find((c) => c.name === 'first-response')!;
  const zone = loaded.sla.calendar.timeZone;
  const when = (d: Date) => formatWallTime(d, zone, new Date());
  return { clock, zone, when };
}

describe('the tracking page tells the reporter what they need to know', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('says by when they will hear from the team, in the program’s zone and words, and when that was done', async () => {
    const r = await submit(t, {});
    const { clock, zone, when } = await firstResponse(t, r.id);
    assert.equal(clock.state, 'running');
    assert.equal(zone, 'Europe/Amsterdam');
    const page = text((await r.c.get(r.url)).body);
    assert.ok(clock.state === 'running');
    assert.ok(
      page.includes(`You will hear from us by ${when(clock.dueAt)} (Europe/Amsterdam time) with our evaluation of the report and an expected resolution date.`),
      page.slice(0, 3000),
    );

    const staff = await makeStaff(t.ctx.db, 'triager');
    await acknowledge(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: staff.id });
    const met = await firstResponse(t, r.id);
    assert.ok(met.clock.state === 'met');
    const after = text((await r.c.get(r.url)).body);
    assert.ok(after.includes(`We sent our evaluation and an expected resolution date on ${met.when(met.clock.metAt)} (Europe/Amsterdam time)`), after.slice(0, 3000));
    assert.doesNotMatch(after, /You will hear from us by/);
  });

  it('shows the reporter’s own fields: product, version, kind, CVSS vector and score, attachments', async () => {
    const r = await submit(t, { cvssVector: VECTOR, productVersion: '4.2.1-beta' }, [{ name: 'attachments', filename: 'proof-of-concept.txt', content: 'curl …' }]);
    const html = (await r.c.get(r.url)).body;
    const fields = html.slice(html.indexOf('id="report-h"'));
    assert.match(fields, /<dt>Product<\/dt><dd>Example Cloud<\/dd>/);
    assert.match(fields, /<dt>Version<\/dt><dd>4\.2\.1-beta<\/dd>/);
    assert.match(fields, /<dt>Kind of vulnerability<\/dt><dd>Authentication or authorisation bypass<\/dd>/);
    assert.match(fields, new RegExp(`<dt>Your CVSS</dt><dd><code>${VECTOR.replace(/\//g, '\\/')}</code> \\(score 9\\.8\\)</dd>`));
    assert.match(fields, /<dt>Attachments<\/dt><dd>.*proof-of-concept\.txt/s);
    // Outside the collapsed details: visible without a click.
    assert.ok(fields.indexOf('<dt>Product</dt>') < fields.indexOf('<details'), 'the short fields are not hidden in the details');
    const none = await submit(t, {});
    assert.match((await none.c.get(none.url)).body, /<dt>Your CVSS<\/dt><dd><span class="meta">none given<\/span><\/dd>/);
  });

  it('puts the reply box at the top of the conversation, before the thread', async () => {
    const r = await submit(t, {});
    const staff = await makeStaff(t.ctx.db, 'triager');
    for (let i = 0; i < 5; i++) await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: staff.id, visibility: 'reporter', body: `Question ${i}`, files: [] });
    const html = (await r.c.get(r.url)).body;
    const conversation = html.indexOf('id="thread-h"');
    const form = html.indexOf(`action="${r.url}/reply"`);
    const thread = html.indexOf('<ol class="timeline');
    assert.ok(conversation > 0 && form > conversation && thread > form, `reply form at ${form}, thread at ${thread}`);
    assert.ok(html.indexOf('Question 4') < html.indexOf('Question 0'), 'newest first, next to the reply box');
    // Works without JavaScript: a plain form post.
    assert.match(html, new RegExp(`<form method="post" action="${r.url}/reply" enctype="multipart/form-data">`));
  });

  it('attributes the reporter’s credit change to the reporter, on the staff page and the tracking page', async () => {
    const r = await submit(t, { reporterName: 'Grace Hopper', creditPreference: 'anonymous' });
    const page = await r.c.get(r.url);
    const changed = await r.c.postForm(`${r.url}/credit`, { _csrf: Client.csrf(page.body), creditPreference: 'name', reporterName: 'Grace Hopper', reporterHandle: '' });
    assert.equal(changed.statusCode, 303);
    // The use case records the reporter as the actor, with no staff member.
    const event = await t.ctx.db.selectFrom('report_events').select(['actor_kind', 'actor_id']).where('report_id', '=', r.id).where('type', '=', 'credit-changed').executeTakeFirstOrThrow();
    assert.deepEqual(event, { actor_kind: 'reporter', actor_id: null });
    const track = text((await r.c.get(r.url)).body);
    assert.match(track, /You changed how you are credited: anonymously → by name\./);
    assert.doesNotMatch(track, /The security team changed how/);

    const staff = await makeStaff(t.ctx.db, 'triager');
    const c = await Client.signedIn(t.app, staff);
    const staffPage = text((await c.get(`/staff/reports/${r.reference}`)).body);
    assert.match(staffPage, /The reporter changed how they are credited: anonymously → by name\./);
    assert.doesNotMatch(staffPage, /System changed how/);
  });
});

describe('a program that promises a reply, not an evaluation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(undefined, { EMBARGO_CONFIG: path.join(repoRoot, 'examples', 'fraud-platform.json') });
  });
  after(async () => {
    await t.close();
  });

  it('promises a reply by the due time in its own zone, and says when the reply came', async () => {
    const r = await submit(t, { product: 'vigila-platform' });
    const { clock, zone, when } = await firstResponse(t, r.id);
    assert.equal(zone, 'Europe/Rome');
    assert.ok(clock.state === 'running');
    const page = text((await r.c.get(r.url)).body);
    assert.ok(page.includes(`You will hear from us by ${when(clock.dueAt)} (Europe/Rome time).`), page.slice(0, 3000));
    assert.doesNotMatch(page, /evaluation/i);

    const staff = await makeStaff(t.ctx.db, 'triager');
    await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: staff.id, visibility: 'reporter', body: 'Thanks, we are looking.', files: [] });
    const met = await firstResponse(t, r.id);
    assert.ok(met.clock.state === 'met');
    const after = text((await r.c.get(r.url)).body);
    assert.ok(after.includes(`We replied on ${met.when(met.clock.metAt)} (Europe/Rome time)`), after.slice(0, 3000));
    assert.doesNotMatch(after, /evaluation/i);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DatabaseUnavailableError } from '../../src/errors.ts';
import { makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { goodReport } from '../spam/spam-helpers.ts';

/** The program's chrome: its name in the title and header, and the public navigation with its thanks page. */
function assertProgramChrome(html: string, title: string): void {
  assert.match(html, new RegExp(`<title>${title} · Example Corp Security</title>`));
  assert.match(html, /<a class="brand" href="\/">Example Corp Security<\/a>/);
  for (const href of ['/policy', '/report', '/advisories', '/thanks']) assert.ok(html.includes(`<a href="${href}"`), `navigation links ${href}`);
}

describe('error pages keep the program’s name and navigation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(undefined, {}, (app) => {
      app.get('/test-only/fails', async () => {
        throw new Error('a bug, with a secret detail');
      });
      app.get('/test-only/database-away', async () => {
        throw new DatabaseUnavailableError('unavailable');
      });
    });
  });
  after(async () => {
    await t.close();
  });

  it('404: an unknown page and a dead tracking link', async () => {
    for (const url of ['/no-such-page', `/track/${'A'.repeat(43)}`]) {
      const res = await new Client(t.app).get(url);
      assert.equal(res.statusCode, 404, url);
      assertProgramChrome(res.body, 'Not found');
    }
  });

  it('500 and 503: the program’s pages, no detail', async () => {
    const failed = await new Client(t.app).get('/test-only/fails');
    assert.equal(failed.statusCode, 500);
    assertProgramChrome(failed.body, 'Something went wrong');
    assert.doesNotMatch(failed.body, /secret detail/);
    const away = await new Client(t.app).get('/test-only/database-away');
    assert.equal(away.statusCode, 503);
    assert.equal(away.headers['retry-after'], '30');
    assertProgramChrome(away.body, 'Briefly unavailable');
  });

  it('403: a staff member keeps the staff navigation and the program’s name', async () => {
    const c = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    const res = await c.get('/staff/deliveries');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /<title>Not allowed · Example Corp Security<\/title>/);
    assert.match(res.body, /<a href="\/staff\/reports"[^>]*>Inbox<\/a>/);
    assert.match(res.body, /Only administrators see failed jobs/);
  });

  it('an expired form: says cookies are needed when the cookie is missing, and only then', async () => {
    // Cookies blocked: the page came with a token, the browser kept no cookie.
    const blocked = new Client(t.app);
    const token = Client.csrf((await blocked.get('/report')).body);
    blocked.cookies.clear();
    const noCookie = await blocked.postMultipart('/report', { _csrf: token, ...goodReport });
    assert.equal(noCookie.statusCode, 403);
    assertProgramChrome(noCookie.body, 'Cookies are needed to send this form');
    assert.match(noCookie.body, /Allow cookies for this site/);

    // Cookie kept, token stale (e.g. a page left open across a browser restart).
    const stale = new Client(t.app);
    await stale.get('/report');
    const mismatch = await stale.postMultipart('/report', { _csrf: 'stale-token', ...goodReport });
    assert.equal(mismatch.statusCode, 403);
    assertProgramChrome(mismatch.body, 'This form has expired');
    assert.doesNotMatch(mismatch.body, /cookie/i);

    // The same on a form posted without files (the tracking link recovery).
    const recover = new Client(t.app);
    const recoverToken = Client.csrf((await recover.get('/track/recover')).body);
    recover.cookies.clear();
    const res = await recover.postForm('/track/recover', { _csrf: recoverToken, reference: 'EMB-2026-0001', email: 'finder@example.org' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Allow cookies for this site/);
  });

  it('an expired form that was read shows what was typed again, with a fresh token', async () => {
    const c = new Client(t.app);
    await c.get('/track/recover');
    const res = await c.postForm('/track/recover', { _csrf: 'stale-token', reference: 'EMB-2026-0042', email: 'finder@example.org' });
    assert.equal(res.statusCode, 403);
    assertProgramChrome(res.body, 'Get a new tracking link');
    assert.match(res.body, /For your safety the form could not be accepted/);
    assert.match(res.body, /value="EMB-2026-0042"/);
    assert.match(res.body, /value="finder@example.org"/);
    const again = await c.postForm('/track/recover', { _csrf: Client.csrf(res.body), reference: 'EMB-2026-0042', email: 'finder@example.org' });
    assert.equal(again.statusCode, 303, 'sent again with the fresh token, it is accepted');
  });

  it('a refused form of the tracking page brings the page back, with what was typed where it was read', async () => {
    const c = new Client(t.app);
    const form = await c.get('/report');
    const submitted = await c.postMultipart('/report', { ...goodReport, _csrf: Client.csrf(form.body) });
    const url = String(submitted.headers.location).replace(/\?.*$/, '');
    await c.get(url);

    // The credit form, urlencoded: the choice and the name come back, the stored choice unchanged.
    const credit = await c.postForm(`${url}/credit`, { _csrf: 'stale-token', creditPreference: 'name', reporterName: 'Grace Hopper', reporterHandle: '' });
    assert.equal(credit.statusCode, 403);
    assertProgramChrome(credit.body, 'Report EMB-\\d{4}-\\d{4}');
    assert.match(credit.body, /<p class="notice error" role="alert">This form had expired, and was not accepted\. It is renewed on this page: send it again\. What you typed is kept below\./);
    assert.match(credit.body, /value="name" checked/);
    assert.match(credit.body, /value="Grace Hopper"/);
    const again = await c.postForm(`${url}/credit`, { _csrf: Client.csrf(credit.body), creditPreference: 'name', reporterName: 'Grace Hopper', reporterHandle: '' });
    assert.equal(again.statusCode, 303, 'sent again from the page that came back, it is accepted');

    // The disclosure proposal keeps its date, time, zone and message.
    const proposal = await c.postForm(`${url}/disclosure-date`, {
      _csrf: 'stale-token',
      disclosureDate: '2027-03-01',
      disclosureTime: '10:00',
      disclosureTimeZone: 'Europe/Lisbon',
      disclosureMessage: 'My talk at the conference is that week.',
    });
    assert.equal(proposal.statusCode, 403);
    for (const typed of ['value="2027-03-01"', 'value="Europe/Lisbon"', 'My talk at the conference is that week.']) assert.ok(proposal.body.includes(typed), typed);

    // The reply, multipart, is not read past a refused token: the page says so, with the cookie advice when it applies.
    const token = Client.csrf((await c.get(url)).body);
    c.cookies.clear();
    const reply = await c.postMultipart(`${url}/reply`, { _csrf: token, body: 'One more detail.' });
    assert.equal(reply.statusCode, 403);
    assert.match(reply.body, /<p class="notice error" role="alert">Cookies are needed to send this form: allow cookies for this site/);
    assert.match(reply.body, /what you wrote was not read; your browser’s Back button may still show it/);
  });
});

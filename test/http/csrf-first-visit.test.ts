import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

// A page that makes more than one CSRF token (the layout's sign-out form and the page's own
// forms) on a visit without the CSRF cookie must make them all from one secret: otherwise the
// cookie set last invalidates the tokens made before it and the page's forms are refused.
describe('every form on a page works on a visit without the CSRF cookie', () => {
  let t: TestApp;
  let staff: { email: string; password: string };
  let reference: string;

  before(async () => {
    t = await startTestApp();
    staff = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
    reference = (await makeReport(t.ctx.db, {}, t.ctx.vault)).reference;
  });
  after(() => t.close());

  for (const page of ['/staff/account', '/staff/reports/REF'] as const) {
    it(`${page}: each token on the page is accepted`, async () => {
      const url = page.replace('REF', reference);
      const c = await Client.signedIn(t.app, staff);
      const csrfCookie = [...c.cookies.keys()].find((k) => k.includes('csrf'));
      assert.ok(csrfCookie, 'signing in sets the CSRF cookie');
      c.cookies.delete(csrfCookie);
      const html = (await c.get(url)).body;
      const tokens = [...new Set([...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]!))];
      assert.ok(tokens.length >= 1, 'the page has forms');
      for (const token of tokens) {
        const res = await c.postForm('/staff/account/name', { _csrf: token, displayName: 'Ada Admin' });
        assert.equal(res.statusCode, 303, `token ${tokens.indexOf(token) + 1} of ${tokens.length} refused`);
      }
    });
  }
});

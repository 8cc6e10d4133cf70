import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

// `?done=` names a message from a fixed table; a name the table does not own (an inherited
// property such as __proto__ or constructor) is no message, never a crash.
describe('a done= message name that is not in the table', () => {
  let t: TestApp;
  let c: Client;
  let reference: string;
  before(async () => {
    t = await startTestApp();
    c = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin', 'Ada Admin'));
    reference = (await makeReport(t.ctx.db, {}, t.ctx.vault)).reference;
  });
  after(() => t.close());

  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`?done=${name} shows the page without a message`, async () => {
      for (const url of [`/staff/reports/${reference}?done=${name}`, `/staff/reports/quarantine?done=${name}`]) {
        const res = await c.get(url);
        assert.equal(res.statusCode, 200, url);
        assert.ok(!res.body.includes('[object Object]') && !res.body.includes('function '), url);
      }
    });
  }
});

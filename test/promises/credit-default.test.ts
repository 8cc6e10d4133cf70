import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../helpers/databases.ts';
import { repoRoot } from '../helpers/embargo-process.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { goodReport, latestReport } from '../spam/spam-helpers.ts';

/** The radio the form checks before the reporter touches it. */
const checkedCredit = (html: string) => html.match(/<input type="radio" name="creditPreference" value="(\w+)"[^>]*checked/)?.[1];

for (const kind of await databaseKinds()) {
  describe(`the form’s default credit follows the program’s policy on ${kind}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(async () => {
      await t.close();
    });

    async function submit(fields: Record<string, string>) {
      const c = new Client(t.app);
      const form = await c.get('/report');
      // As a browser sends it: the default choice untouched.
      const res = await c.postMultipart('/report', { ...goodReport, creditPreference: checkedCredit(form.body)!, ...fields, _csrf: Client.csrf(form.body) });
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const { id } = await latestReport(t.ctx.db);
      return (await t.ctx.db.selectFrom('reports').select('credit_preference').where('id', '=', id).executeTakeFirstOrThrow()).credit_preference;
    }

    it('“credit unless you decline”: credits by the name or handle given, anonymously when neither is', async () => {
      const form = (await new Client(t.app).get('/report')).body;
      assert.equal(checkedCredit(form), 'given');
      assert.match(form, /Credit me by the name or handle I give/);
      assert.equal(await submit({ reporterName: 'Ada Lovelace' }), 'name');
      assert.equal(await submit({ reporterHandle: '@ada' }), 'handle');
      assert.equal(await submit({}), 'anonymous');
      assert.equal(await submit({ reporterName: 'Ada Lovelace', creditPreference: 'none' }), 'none', 'declining is always possible');
    });

    it('a program that credits only on request leaves the reporter uncredited until they ask', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'embargo-credit-'));
      const file = path.join(dir, 'embargo.config.json');
      const config = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'fraud-platform.json'), 'utf8'));
      config.programs[0].credit = 'on-request';
      writeFileSync(file, JSON.stringify(config));
      const other = await startTestApp(kind, { EMBARGO_CONFIG: file });
      try {
        assert.equal(checkedCredit((await new Client(other.app).get('/report')).body), 'none');
      } finally {
        await other.close();
      }
    });
  });
}

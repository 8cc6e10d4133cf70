import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { POLICY_PLACEHOLDERS } from '../../src/policy/policy-text.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { makeStaff } from '../helpers/factories.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { repoRoot } from '../helpers/embargo-process.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

for (const kind of await databaseKinds()) {
  describe(`the policy’s words, from the policy and its settings on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      admin = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin', 'Words Admin'));
    });
    after(async () => {
      await t.close();
    });

    async function editorFields(): Promise<Record<string, string>> {
      const page = await admin.get('/staff/policy');
      const fields: Record<string, string> = { _csrf: Client.csrf(page.body) };
      for (const m of page.body.matchAll(/<textarea id="(\w+)" name="\w+"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]!] = unescape(m[2]!);
      return fields;
    }
    const versions = async () => (await t.ctx.db.selectFrom('policy_versions').select('version').execute()).length;

    it('refuses to publish an unknown placeholder, naming it and the ones that exist', async () => {
      const before = await versions();
      const fields = await editorFields();
      const res = await admin.postForm('/staff/policy', { ...fields, promises: `${fields.promises}\n- We reply within {{firstRespons}}.`, note: 'Typo', action: 'publish' });
      assert.equal(res.statusCode, 422);
      assert.match(unescape(res.body), /Unknown placeholder \{\{firstRespons\}\}: use \{\{firstResponse\}\}, \{\{firstResponseBusinessDays\}\}, \{\{firstResponsePromise\}\}, \{\{earlyCustomerNotice\}\}/);
      assert.match(unescape(res.body), /We reply within \{\{firstRespons\}\}/, 'what the admin typed is kept');
      assert.equal(await versions(), before);
      const preview = await admin.postForm('/staff/policy', { ...fields, scope: 'All of {{product}}', action: 'preview' });
      assert.equal(preview.statusCode, 422, 'the preview says so too, before anyone publishes');
    });

    it('the editor, the documentation and the filler name the same placeholders', async () => {
      const names = POLICY_PLACEHOLDERS.map((p) => p.name).sort();
      const page = unescape((await admin.get('/staff/policy')).body);
      const hint = page.match(/Placeholders([^]*?)<\/p>/)?.[1] ?? '';
      assert.deepEqual([...new Set([...hint.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))].sort(), names);
      const docs = readFileSync(path.join(repoRoot, 'docs', 'configuration.md'), 'utf8');
      const documented = docs.match(/\| placeholder \|[^]*?\n\n/)?.[0] ?? '';
      assert.deepEqual([...new Set([...documented.matchAll(/`\{\{(\w+)\}\}`/g)].map((m) => m[1]!))].sort(), names);
    });

    it('refuses a config file whose policy has an unknown placeholder, at load', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'embargo-words-'));
      const file = path.join(dir, 'embargo.config.json');
      const config = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'fraud-platform.json'), 'utf8'));
      config.programs[0].policy.promises = '- We will respond within {{firstResponseDays}}.';
      writeFileSync(file, JSON.stringify(config));
      assert.throws(() => loadConfig({ EMBARGO_CONFIG: file }), /programs\.0\.policy\.promises: Unknown placeholder \{\{firstResponseDays\}\}/);
    });

    it('the policy’s promise follows the setting: the same text promises a reply where only a reply is promised', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'embargo-words-'));
      const file = path.join(dir, 'embargo.config.json');
      writeFileSync(file, JSON.stringify({ programs: [{ ...demoProgram, slug: 'replies', referencePrefix: 'REP', sla: { ...demoProgram.sla, firstResponse: 'reply' } }] }));
      const other = await startTestApp(kind, { EMBARGO_CONFIG: file });
      try {
        const policy = (await new Client(other.app).get('/policy')).body;
        assert.match(policy, /We will respond to your report within 3 business days\./);
        assert.doesNotMatch(policy, /with our evaluation/);
      } finally {
        await other.close();
      }
      const demoPolicy = (await new Client(t.app).get('/policy')).body;
      assert.match(demoPolicy, /We will respond to your report within 3 business days with our evaluation of the report and an expected resolution date\./);
    });

    it('the report form shows the policy rendered from Markdown, without raw HTML', async () => {
      const fields = await editorFields();
      const published = await admin.postForm('/staff/policy', {
        ...fields,
        researcherRules: `${fields.researcherRules}\n- <script>alert(1)</script> is shown as text.`,
        note: 'Spell out that HTML is text',
        action: 'publish',
      });
      assert.equal(published.statusCode, 303, published.body);
      const form = (await new Client(t.app).get('/report')).body;
      assert.match(form, /<li><strong>Report it to us<\/strong> through the form/);
      assert.doesNotMatch(form, /\*\*Report it to us\*\*/, 'no raw Markdown');
      assert.match(form, /&lt;script&gt;alert\(1\)&lt;\/script&gt; is shown as text/);
      assert.doesNotMatch(form, /<script>alert/);
      assert.match(form, /We will respond to your report within 3 business days with our evaluation/, 'placeholders filled');
    });
  });
}

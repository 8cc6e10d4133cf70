import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import type { OpenDatabase } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { prepareDatabase } from '../../src/server.ts';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../src/errors.ts';
import { publishPolicyVersion } from '../../src/policy/policy-versions.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { loadProgram, syncPrograms } from '../../src/programs/programs.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeStaff, testSecret } from '../helpers/factories.ts';
import { Client, startTestApp } from '../helpers/http-app.ts';

for (const kind of await databaseKinds()) {
  describe(`one owner for the policy on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t.close();
    });

    const versions = async () =>
      t.db.selectFrom('policy_versions').select(['version', 'sections', 'published_by', 'note']).orderBy('version').execute();
    const withPolicy = (policy: Partial<typeof demoProgram.policy>) => ({ ...demoProgram, policy: { ...demoProgram.policy, ...policy } });

    it('the file owns the policy until an admin publishes in the editor; from then on the file’s policy is ignored, with a warning naming the fields', async () => {
      const [v1] = await versions();
      assert.match(v1!.note ?? '', /configuration file/, 'even the first version says where it came from');

      // The file changes: a new version, recorded as the file's.
      assert.deepEqual(await syncPrograms(t.db, [withPolicy({ rewards: 'A gift card for every valid report.' })]), []);
      const afterFile = await versions();
      assert.equal(afterFile.length, 2);
      assert.equal(afterFile[1]!.published_by, null);
      assert.match(afterFile[1]!.note ?? '', /configuration file/);

      // An admin publishes in the editor: who and why are recorded, and why is required.
      const admin = await makeStaff(t.db, 'admin', 'Policy Owner');
      const program = (await loadProgram(t.db, { slug: 'example' }))!;
      const edited = { ...program.policy.sections, scope: 'Every product we sell, including retired ones.' };
      await assert.rejects(publishPolicyVersion(t.db, { programId: program.id, sections: edited, publishedBy: admin.id, note: '  ' }), (err: unknown) => err instanceof ValidationError && /why/i.test(err.fields.note ?? ''));
      await publishPolicyVersion(t.db, { programId: program.id, sections: edited, publishedBy: admin.id, note: 'Scope covers retired products' });

      // The operator edits the file and restarts: nothing is published over the admin's version.
      const warnings = await syncPrograms(t.db, [withPolicy({ rewards: 'A gift card for every valid report.', promises: '- We answer within a week.' })]);
      const all = await versions();
      assert.equal(all.length, 3, 'no silent overwrite');
      assert.equal(all[2]!.published_by, admin.id);
      assert.equal((all[2]!.sections as { scope: string }).scope, 'Every product we sell, including retired ones.');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /example/);
      assert.match(warnings[0]!, /published in the policy editor \(version 3\)/);
      assert.match(warnings[0]!, /ignored.*promises, scope/);
      // A file that matches what was published says nothing.
      assert.deepEqual(await syncPrograms(t.db, [withPolicy({ ...(all[2]!.sections as object) })]), []);
    });
  });
}

describe('the start says when the file’s policy is ignored', () => {
  it('logs a warning naming the program and the sections', async () => {
    const t = await freshDatabase('pglite');
    try {
      const admin = await makeStaff(t.db, 'admin', 'Start Owner');
      const program = (await loadProgram(t.db, { slug: 'example' }))!;
      await publishPolicyVersion(t.db, { programId: program.id, sections: { ...program.policy.sections, rewards: 'Swag.' }, publishedBy: admin.id, note: 'Swag' });
      const dir = mkdtempSync(path.join(tmpdir(), 'embargo-owner-'));
      const file = path.join(dir, 'embargo.config.json');
      writeFileSync(file, JSON.stringify({ programs: [{ ...demoProgram, policy: { ...demoProgram.policy, privacy: 'We keep nothing.' } }] }));
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      const config = loadConfig({ EMBARGO_CONFIG: file });
      await prepareDatabase({ db: t.db } as OpenDatabase, config, createLogger('info', sink as unknown as pino.DestinationStream), testSecret);
      const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => /policy editor/.test(l.msg));
      assert.ok(warning, lines.join(''));
      assert.equal(warning.level, 40, 'a warning');
      assert.match(warning.msg, /Program example: .* ignored; it differs in rewards, privacy\./);
      assert.equal((await loadProgram(t.db, { slug: 'example' }))!.policy.sections.rewards, 'Swag.');
    } finally {
      await t.close();
    }
  });
});

describe('the editor says who owns the policy', () => {
  it('tells the admin that publishing here takes the policy over from the file, and requires a reason', async () => {
    const t = await startTestApp();
    try {
      const admin = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin', 'Editor Owner'));
      const page = await admin.get('/staff/policy');
      assert.match(page.body, /comes from the configuration file/);
      assert.match(page.body, /the file’s policy is then ignored/);
      const fields: Record<string, string> = { _csrf: Client.csrf(page.body) };
      for (const m of page.body.matchAll(/<textarea id="(\w+)" name="\w+"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]!] = m[2]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
      const noWhy = await admin.postForm('/staff/policy', { ...fields, rewards: 'Swag.', action: 'publish' });
      assert.equal(noWhy.statusCode, 422);
      assert.match(noWhy.body, /Say why the policy changes/);
      assert.match(noWhy.body, /Swag\./, 'what the admin typed is kept');
      const ok = await admin.postForm('/staff/policy', { ...fields, rewards: 'Swag.', note: 'We send swag now', action: 'publish' });
      assert.equal(ok.statusCode, 303);
      assert.match((await admin.get('/staff/policy')).body, /published in this editor/);
    } finally {
      await t.close();
    }
  });
});

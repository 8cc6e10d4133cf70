import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { policySectionsSchema } from '../../src/programs/program-config.ts';
import { publishPolicyVersion } from '../../src/policy/policy-versions.ts';
import { loadProgram } from '../../src/programs/programs.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo } from '../helpers/factories.ts';

// loadProgram remembers programs for a moment (src/programs/programs.ts): what this process changes
// shows at once; what another process changes (here: SQL on the same database, as another
// `embargo serve` would write it) shows within two seconds.
for (const kind of await databaseKinds()) {
  describe(`programs read again (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('a policy published here is served at once; one published by another process within two seconds', async () => {
      const program = await demo(t.db);
      const first = (await loadProgram(t.db, { slug: program.slug }))!.policy.version;
      const lead = await createStaffUser(t.db, { email: 'cache-lead@example.com', displayName: 'Lead', password: 'a long passphrase for the test', role: 'lead' }, [program.id]);
      const sections = policySectionsSchema.parse({ ...program.policy.sections, scope: `${program.policy.sections.scope ?? ''} Also the mobile apps.` });
      const published = await publishPolicyVersion(t.db, { programId: program.id, sections, publishedBy: lead.id, note: 'Mobile apps in scope.' });
      assert.equal(published, first + 1);
      assert.equal((await loadProgram(t.db, { slug: program.slug }))!.policy.version, published, 'at once, by slug');
      assert.equal((await loadProgram(t.db, { id: program.id }))!.policy.version, published, 'at once, by id');

      await t.db.insertInto('policy_versions').values({ program_id: program.id, version: published + 1, sections: JSON.stringify(sections), note: 'From another process.' }).execute();
      const started = Date.now();
      let seen = (await loadProgram(t.db, { slug: program.slug }))!.policy.version;
      while (seen !== published + 1 && Date.now() - started < 5_000) {
        await new Promise((r) => setTimeout(r, 100));
        seen = (await loadProgram(t.db, { slug: program.slug }))!.policy.version;
      }
      assert.equal(seen, published + 1);
      assert.ok(Date.now() - started < 2_600, `seen after ${Date.now() - started} ms`);
      // A transaction reads what is there, never what was remembered.
      await t.db.insertInto('policy_versions').values({ program_id: program.id, version: published + 2, sections: JSON.stringify(sections), note: 'Again.' }).execute();
      assert.equal(await t.db.transaction().execute(async (trx) => (await loadProgram(trx, { id: program.id }))!.policy.version), published + 2);
    });

    it('hands out frozen programs: a caller cannot change its program for the next', async () => {
      const program = await demo(t.db);
      const a = (await loadProgram(t.db, { id: program.id }))!;
      const name = a.config.name;
      assert.throws(() => (a.config.name = 'Changed by a careless caller'), TypeError);
      assert.throws(() => a.config.products.push({ ...a.config.products[0]! }), TypeError);
      assert.throws(() => (a.policy.version = 99), TypeError);
      const sections = Object.values(a.policy.sections)[0];
      if (sections && typeof sections === 'object') assert.ok(Object.isFrozen(sections), 'nested policy sections are frozen too');
      const again = (await loadProgram(t.db, { id: program.id }))!;
      assert.equal(again.config.name, name);
      assert.equal(again.config.products.length, a.config.products.length);
    });
  });
}

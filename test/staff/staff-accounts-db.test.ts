import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { OPERATOR } from '../../src/staff/accounts/account-actor.ts';
import { deactivateStaff } from '../../src/staff/accounts/activation.ts';
import { setStaffRole } from '../../src/staff/accounts/set-role.ts';
import { recordStaffEvent } from '../../src/staff/accounts/staff-events.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeStaff } from '../helpers/factories.ts';

for (const kind of await databaseKinds()) {
  describe(`staff accounts on the database (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });

    const roleIn = async (userId: string, slug: string) =>
      (
        await t.db
          .selectFrom('memberships as m')
          .innerJoin('programs as p', 'p.id', 'm.program_id')
          .select('m.role')
          .where('m.user_id', '=', userId)
          .where('p.slug', '=', slug)
          .executeTakeFirst()
      )?.role;

    it('an admin of every program keeps access when a program is added; others get nothing there', async () => {
      const admin = await makeStaff(t.db, 'admin', 'Instance Admin');
      const triager = await makeStaff(t.db, 'triager', 'Some Triager');
      await syncPrograms(t.db, [{ ...demoProgram, slug: 'second', name: 'Second program', referencePrefix: 'SEC' }]);
      assert.equal(await roleIn(admin.id, 'second'), 'admin');
      assert.equal(await roleIn(triager.id, 'second'), undefined);
      const granted = await t.db.selectFrom('staff_events').select(['subject_id', 'actor_id']).where('type', '=', 'program-access-granted').execute();
      assert.deepEqual(granted, [{ subject_id: admin.id, actor_id: null }]);

      // An admin of only some programs is no instance admin: a third program is not theirs.
      const partial = await makeStaff(t.db, 'admin', 'Partial Admin');
      await t.db.deleteFrom('memberships').where('user_id', '=', partial.id).where('program_id', '=', t.db.selectFrom('programs').select('id').where('slug', '=', 'second')).execute();
      await syncPrograms(t.db, [{ ...demoProgram, slug: 'third', name: 'Third program', referencePrefix: 'THI' }]);
      assert.equal(await roleIn(admin.id, 'third'), 'admin');
      assert.equal(await roleIn(partial.id, 'third'), undefined);
      // Restarting with the same programs grants nothing new.
      await syncPrograms(t.db, [{ ...demoProgram, slug: 'third', name: 'Third program', referencePrefix: 'THI' }]);
      assert.equal((await t.db.selectFrom('staff_events').select('id').where('type', '=', 'program-access-granted').execute()).length, 2);
    });

    it('the history is append-only', async () => {
      const someone = await makeStaff(t.db, 'viewer');
      await recordStaffEvent(t.db, { actorId: null, subjectId: someone.id, type: 'deactivated' });
      const row = await t.db.selectFrom('staff_events').select('id').where('subject_id', '=', someone.id).executeTakeFirstOrThrow();
      await assert.rejects(sql`UPDATE staff_events SET type = 'created' WHERE id = ${row.id}`.execute(t.db), /append-only/);
      await assert.rejects(sql`DELETE FROM staff_events WHERE id = ${row.id}`.execute(t.db), /append-only/);
    });

    it('two admins demoting or deactivating each other at once leave the program one admin', async () => {
      const fresh = await freshDatabase(kind);
      try {
        const a = await makeStaff(fresh.db, 'admin', 'A');
        const b = await makeStaff(fresh.db, 'admin', 'B');
        const programId = (await fresh.db.selectFrom('programs').select('id').executeTakeFirstOrThrow()).id;
        const results = await Promise.allSettled([
          setStaffRole(fresh.db, { actor: OPERATOR, userId: a.id, programId, role: 'viewer' }),
          deactivateStaff(fresh.db, { actor: OPERATOR, userId: b.id }),
        ]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.match(String(refused.reason.message), /last active admin of Example/);
        const admins = await fresh.db
          .selectFrom('memberships as m')
          .innerJoin('staff_users as u', 'u.id', 'm.user_id')
          .select('u.id')
          .where('m.role', '=', 'admin')
          .where('u.disabled_at', 'is', null)
          .execute();
        assert.equal(admins.length, 1);
      } finally {
        await fresh.close();
      }
    });
  });
}

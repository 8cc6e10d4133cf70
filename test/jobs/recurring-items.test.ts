// Recurring work goes on past a failing item: one program whose settings cannot be read must not
// stop the team digests of every other program.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { instantAt, localDateOf } from '../../src/calendar/zoned-time.ts';
import { nextBusinessDay } from '../../src/calendar/business-calendar.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { loadProgram, syncPrograms } from '../../src/programs/programs.ts';
import { programSla } from '../../src/sla/report-clocks.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { queueTeamDigests } from '../../src/team-notices/team-digest.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import '../helpers/factories.ts'; // the audit log's secret, which creating staff needs

for (const kind of await databaseKinds()) {
  describe(`team digests past a broken program (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t?.close();
    });

    it('a program whose SLA settings throw is reported; the other program still gets its digests queued', async () => {
      await syncPrograms(t.db, [{ ...demoProgram, slug: 'broken', name: 'Broken', referencePrefix: 'BRK' }, demoProgram]);
      const good = (await loadProgram(t.db, { slug: demoProgram.slug }))!;
      const bad = (await loadProgram(t.db, { slug: 'broken' }))!;
      const member = await createStaffUser(t.db, { email: 'digest@example.com', displayName: 'Digest', password: 'a long passphrase for the test', role: 'triager' }, [good.id]);
      await createStaffUser(t.db, { email: 'broken@example.com', displayName: 'Broken', password: 'a long passphrase for the test', role: 'triager' }, [bad.id]);
      // A hand-edited config the SLA code cannot read.
      await t.db.updateTable('programs').set({ config: JSON.stringify({ ...(bad.config as object), sla: 'three days, roughly' }) }).where('id', '=', bad.id).execute();

      const { calendar } = programSla(good.config);
      const day = nextBusinessDay(calendar, localDateOf(new Date(), calendar.timeZone));
      const errors: { programId: string }[] = [];
      const queued = await queueTeamDigests(t.db, instantAt(calendar.timeZone, day, 10 * 3_600_000), (_err, item) => errors.push(item));
      assert.equal(queued, 1, 'the healthy program’s member gets a digest');
      assert.deepEqual(errors.map((e) => e.programId), [bad.id], 'the broken program is reported, once');
      const jobs = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'team-digest').execute();
      assert.deepEqual(jobs.map((j) => (j.payload as { userId: string }).userId), [member.id]);
    });
  });
}
